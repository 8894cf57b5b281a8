from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MygiftsConfig(AppConfig):
    name = "mygifts"
    verbose_name = _("Donors' own pages")
