from django import template
from django.utils.html import format_html

from prisoners.languages import ONLY_AVAILABLE_IN, fallback_language

register = template.Library()


@register.simple_tag
def fallback_lang(instance, field: str) -> str:
    """`{% fallback_lang prisoner "story" as story_lang %}`: "" unless the text fell back."""
    return fallback_language(instance, field)


@register.filter
def lang_attr(code: str) -> str:
    """` lang="es"` for a block that fell back to Spanish, nothing otherwise."""
    return format_html(' lang="{}"', code) if code else ""


@register.simple_tag
def only_available_in(code: str, css_class: str = "fallback-note") -> str:
    """The note "Only available in Spanish", in the page's language, for a fallen-back block."""
    if not code:
        return ""
    return format_html('<p class="{}">{}</p>', css_class, ONLY_AVAILABLE_IN[code])
