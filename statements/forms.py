"""The treasurer's forms for bank statements: uploading files, and reviewing their lines."""

from django import forms
from django.contrib.admin.helpers import ActionForm
from django.utils.translation import gettext_lazy as _

from ledger.models import Category
from prisoners.models import Prisoner


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class StatementUploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Statement files"),
        help_text=_(
            "CAMT.053 (XML) or MT940, as the bank exports it. Several files at once is fine."
        ),
    )


class ReviewActionForm(ActionForm):
    """The extra choices the review actions need: which fund, and which category."""

    fund = forms.ModelChoiceField(
        label=_("Fund"),
        queryset=Prisoner.objects.all(),
        required=False,
        empty_label=_("General fund"),
    )
    category = forms.ModelChoiceField(
        label=_("Category (for spending)"), queryset=Category.objects.all(), required=False
    )
