"""What the tax office requires an ANBI to publish, and which of it is still empty.

The admin's banner and the system check both read `anbi_missing_fields`, so they always name
the same gaps. A text is required in every language the site speaks: the page falls back to
another language, but a donor reading Dutch should not meet the purpose in Spanish.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname

from prisoners.models import RICH_ANBI_FIELDS, Campaign
from prisoners.rich_text import has_text

# Written once for the foundation. The visiting address and the telephone may stay empty:
# a postal address and an email address are contact enough, and an address open to visitors
# is a risk some foundations supporting political prisoners do not take.
REQUIRED_FIELDS = ("foundation_name", "rsin", "kvk_number", "postal_address", "contact_email")
# Written in each language.
REQUIRED_TRANSLATED = ("public_name", *RICH_ANBI_FIELDS)
BOARD = "board_members"


@dataclass(frozen=True)
class MissingField:
    field: str
    language: str = ""

    @property
    def label(self) -> str:
        if self.field == BOARD:
            return _("Board members (at least one)")
        name = str(capfirst(Campaign._meta.get_field(self.field).verbose_name))
        if not self.language:
            return name
        language = dict(settings.LANGUAGES)[self.language]
        return _("%(field)s in %(language)s") % {"field": name, "language": language}


def anbi_missing_fields(campaign: Campaign | None) -> list[MissingField]:
    """The required ANBI fields that are empty, in the order the admin shows them."""
    campaign = campaign or Campaign()
    missing = [MissingField(name) for name in REQUIRED_FIELDS if not getattr(campaign, name)]
    for name in REQUIRED_TRANSLATED:
        for code, _name in settings.LANGUAGES:
            if not has_text(getattr(campaign, build_localized_fieldname(name, code))):
                missing.append(MissingField(name, code))
    if campaign.pk is None or not campaign.board_members.exists():
        missing.append(MissingField(BOARD))
    return missing
