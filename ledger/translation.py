from modeltranslation.translator import TranslationOptions, register

from ledger.models import Category


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = ("name", "description")
