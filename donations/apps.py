from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DonationsConfig(AppConfig):
    name = "donations"
    verbose_name = _("Money")

    def ready(self):
        from crowdfund.content import changes_content

        # The ledger's own rows change the content through donations.totals; these show on
        # public pages too (the categories, and the monthly sponsors on home and prisoner pages).
        changes_content(self.get_model("Category"), self.get_model("Sponsorship"))
        # An expense's category and date, and a transfer's date, are on "where the money went"
        # and the ANBI page's list of years, though no running total follows them.
        changes_content(self.get_model("Expense"), self.get_model("FundTransfer"))
