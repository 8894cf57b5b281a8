"""The books: gifts, refunds, corrections, the bank's statements and lines, spending, fund
transfers, the journal of every movement of money, and the running totals that follow it.

The tables keep the names they had in the `donations` app before the split (each model's
`db_table`), so no row moved when the models did.
"""

from ledger.models.bank import BankStatement, StatementLine
from ledger.models.corrections import Correction
from ledger.models.counted import LedgerWriteRefused
from ledger.models.donation import (
    FINAL_STATUSES,
    STATUS_RANK,
    Category,
    Donation,
    DonationQuerySet,
    Purpose,
    fund_label,
)
from ledger.models.journal import JournalIsAppendOnly, LedgerEntry
from ledger.models.references import GiftReferenceCounter
from ledger.models.refunds import Refund
from ledger.models.spending import Expense, FundTransfer
from ledger.models.totals import CampaignTotal, FundTotal, QuarterTotal, YearTotal

__all__ = [
    "FINAL_STATUSES",
    "STATUS_RANK",
    "BankStatement",
    "CampaignTotal",
    "Category",
    "Correction",
    "Donation",
    "DonationQuerySet",
    "Expense",
    "FundTotal",
    "FundTransfer",
    "GiftReferenceCounter",
    "JournalIsAppendOnly",
    "LedgerEntry",
    "LedgerWriteRefused",
    "Purpose",
    "QuarterTotal",
    "Refund",
    "StatementLine",
    "YearTotal",
    "fund_label",
]
