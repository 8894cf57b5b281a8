"""What every form on the site shares: the summary of its errors at the top."""

from django import forms


class ErrorSummaryMixin:
    def error_links(self) -> list[tuple[str, str]]:
        """(anchor, message) for the error summary, in the order of the form."""
        links = [("", str(error)) for error in self.non_field_errors()]
        for name, field in self.fields.items():
            for error in self.errors.get(name, []):
                anchor = self[name].auto_id
                if isinstance(field.widget, forms.RadioSelect):
                    anchor += "_0"
                links.append((anchor, str(error)))
        return links
