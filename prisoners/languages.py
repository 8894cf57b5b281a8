"""Which language a translated field's shown value really is in.

django-modeltranslation quietly falls back to another language when a translation is
missing; the page must then say so, and mark the block with that language.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language, gettext_lazy
from modeltranslation.fields import NONE
from modeltranslation.utils import build_localized_fieldname, resolution_order

ONLY_AVAILABLE_IN = {
    "es": gettext_lazy("Only available in Spanish"),
    "nl": gettext_lazy("Only available in Dutch"),
    "en": gettext_lazy("Only available in English"),
}


def value_language(instance: models.Model, field: str) -> str | None:
    """The language whose value `instance.<field>` shows now, or None when all are empty.

    Walks the same resolution order as modeltranslation's descriptor, so the two agree.
    """
    descriptor = getattr(type(instance), field)
    undefined = descriptor.fallback_undefined
    if undefined is NONE:
        undefined = descriptor.field.get_default()
    for code in resolution_order(get_language(), descriptor.fallback_languages):
        value = getattr(instance, build_localized_fieldname(field, code), None)
        if descriptor.meaningful_value(value, undefined):
            return code
    return None


def fallback_language(instance: models.Model, field: str) -> str:
    """The other language the field falls back to, or "" when it is in the page's language."""
    code = value_language(instance, field)
    current = (get_language() or "").split("-")[0]
    return code if code and code != current else ""
