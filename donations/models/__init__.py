"""The money ledger: donations, their payments' audit trail, and the bank and spending records."""

from donations.models.corrections import Correction
from donations.models.donation import (
    FINAL_STATUSES,
    STATUS_RANK,
    Category,
    Donation,
    DonationQuerySet,
    Purpose,
)
from donations.models.expected import ExpectedTransfer
from donations.models.ledger import (
    BankStatement,
    Expense,
    FundOverview,
    FundTransfer,
    StatementLine,
)
from donations.models.messages import MessageModeration, MessageOfSupport
from donations.models.payments import DemoPayment, PaymentEvent, Refund, StatusChange
from donations.models.references import GiftReferenceCounter
from donations.models.sponsorship import (
    DemoCharge,
    DemoSubscription,
    Donor,
    PledgeChange,
    Sponsorship,
    SponsorshipEvent,
    SponsorshipMail,
    normalise_email,
)
from donations.models.totals import CampaignTotal, FundTotal, QuarterTotal, YearTotal

__all__ = [
    "BankStatement",
    "CampaignTotal",
    "FundTotal",
    "QuarterTotal",
    "YearTotal",
    "Expense",
    "ExpectedTransfer",
    "FundOverview",
    "FundTransfer",
    "MessageModeration",
    "MessageOfSupport",
    "StatementLine",
    "FINAL_STATUSES",
    "GiftReferenceCounter",
    "STATUS_RANK",
    "Category",
    "Correction",
    "DemoCharge",
    "DemoPayment",
    "DemoSubscription",
    "Donor",
    "Donation",
    "DonationQuerySet",
    "PaymentEvent",
    "PledgeChange",
    "Purpose",
    "Refund",
    "Sponsorship",
    "SponsorshipEvent",
    "SponsorshipMail",
    "StatusChange",
    "normalise_email",
]
