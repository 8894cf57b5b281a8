"""The ledger's own hooks: what changes the public pages, and what the audit trail watches."""

from auditlog.registry import auditlog

from crowdfund.content import changes_content
from ledger.models import (
    BankStatement,
    Category,
    Correction,
    Donation,
    Expense,
    FundTransfer,
    Refund,
    StatementLine,
)

# A gift keeps the donor's name, address and message as given; the trail follows each change.
for model in (Donation, Correction, Refund, Expense, FundTransfer, BankStatement, StatementLine):
    auditlog.register(model, exclude_fields=["updated_at"])
auditlog.register(Category)

# The ledger's money rows change the content through ledger.running_totals; the categories
# show on public pages too, and an expense's category and date and a transfer's date are on
# "where the money went" and the ANBI page's list of years, though no running total follows
# them.
changes_content(Category, Expense, FundTransfer)
