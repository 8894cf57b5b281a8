from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DonationsConfig(AppConfig):
    """The migration history of the tables the split moved into ledger, payments, statements,
    sponsorships, donors and the rest (docs/architecture.md). Its migrations make those
    tables on a new database; the apps that hold the models now took them over without
    moving a row (their first migrations change Django's state only). No code lives here."""

    name = "donations"
    verbose_name = _("Earlier migrations")
