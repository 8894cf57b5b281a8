from django import template

from crowdfund.seo import OG_LOCALES, absolute_url

register = template.Library()


@register.filter
def absolute(url: str) -> str:
    return absolute_url(str(url))


@register.filter
def og_locale(language_code: str) -> str:
    return OG_LOCALES.get(language_code, language_code)
