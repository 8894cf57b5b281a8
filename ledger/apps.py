from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "ledger"
    verbose_name = _("Books")

    def ready(self):
        from crowdfund.content import changes_content

        # The ledger's money rows change the content through ledger.running_totals; the
        # categories show on public pages too, and an expense's category and date and a
        # transfer's date are on "where the money went" and the ANBI page's list of years,
        # though no running total follows them.
        changes_content(
            self.get_model("Category"), self.get_model("Expense"), self.get_model("FundTransfer")
        )
