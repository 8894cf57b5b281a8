from modeltranslation.translator import TranslationOptions, register

from prisoners.models import RICH_ANBI_FIELDS, Campaign, Prisoner, Update


@register(Campaign)
class CampaignTranslation(TranslationOptions):
    fields = ("title", "appeal", "public_name", *RICH_ANBI_FIELDS)


@register(Prisoner)
class PrisonerTranslation(TranslationOptions):
    fields = ("summary", "story", "photo_alt", "held_at")


@register(Update)
class UpdateTranslation(TranslationOptions):
    fields = ("title", "body")
