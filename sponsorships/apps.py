from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SponsorshipsConfig(AppConfig):
    name = "sponsorships"
    verbose_name = _("Monthly sponsorships")
