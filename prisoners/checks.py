"""Content checks (`manage.py check --database default`): what the ANBI page still lacks."""

from django.core.checks import Tags, Warning, register
from django.db import DatabaseError
from django.utils import translation

from prisoners.anbi import anbi_missing_fields
from prisoners.models import Campaign


@register(Tags.database)
def anbi_publication_complete(app_configs, databases=None, **kwargs):
    """`manage.py check --database default`: the ANBI page's required fields still empty.

    Reads the database, so like Django's own database checks it runs only when asked to."""
    if not databases or "default" not in databases:
        return []

    try:
        missing = anbi_missing_fields(Campaign.objects.first())
    except DatabaseError:
        # Not migrated yet (`migrate` runs the checks first): nothing to say about the content.
        return []
    if not missing:
        return []
    # The check's own text is English, like Django's; the labels follow it.
    with translation.override("en"):
        labels = "; ".join(field.label for field in missing)
    return [
        Warning(
            f"The ANBI page lacks: {labels}.",
            hint="An ANBI must publish these. Fill them in the admin under Campaign settings, "
            "section ANBI publication; the page is /<language>/anbi/.",
            id="crowdfund.W001",
        )
    ]
