from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnualStatementsConfig(AppConfig):
    name = "annual_statements"
    verbose_name = _("Annual gift statements")
