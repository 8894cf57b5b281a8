"""What needs the treasurer's attention: one selector, read by the admin's fund overview and
by the treasurer's report, so both always name the same things.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from agreements.attention import READY_TO_COUNTERSIGN, WaitingForFilter
from agreements.models import PeriodicGiftAgreement
from agreements.selectors import agreement_shortfalls, last_closed_year
from ledger.models import Donation, Expense, StatementLine
from ledger.selectors import MONEY, RECEIVED, REVIEW_DAYS, ZERO, long_in_review_since
from reports.data import fund_balances


@dataclass(frozen=True)
class Concern:
    """One thing to look at: how many, their sum where a sum means something, where in the
    admin to resolve it, and (name, amount) per item where the count alone does not say which."""

    label: str
    count: int
    total: Decimal | None = None
    url: str = ""
    details: tuple[tuple[str, Decimal], ...] = ()


@dataclass
class Attention:
    review_credits: tuple[int, Decimal]
    review_debits: tuple[int, Decimal]
    mismatched: tuple[int, Decimal]
    pending: tuple[int, Decimal]
    long_in_review: tuple[int, Decimal]
    without_receipt: tuple[int, Decimal]
    # (fund name, balance) of every fund below zero.
    funds_below_zero: list[tuple[str, Decimal]] = field(default_factory=list)
    # Closed years in which a periodic gift came to less than its agreement says.
    agreements_short: list = field(default_factory=list)
    registered: list[Concern] = field(default_factory=list)

    @property
    def agreements_short_total(self) -> tuple[int, Decimal]:
        return len(self.agreements_short), sum(
            (row.shortfall for row in self.agreements_short), ZERO
        )

    @property
    def concerns(self) -> list[Concern]:
        """Every concern that has something in it, in the reader's language."""
        lines = reverse("admin:ledger_statementline_changelist")
        gifts = reverse("admin:ledger_donation_changelist")
        below_zero = self.funds_below_zero
        every = [
            Concern(
                _("Funds below zero"),
                len(below_zero),
                sum((balance for _name, balance in below_zero), ZERO),
                reverse("admin:reports_fundoverview_changelist"),
                tuple(below_zero),
            ),
            Concern(
                _("Spending without a receipt"),
                *self.without_receipt,
                _query(reverse("admin:ledger_expense_changelist"), receipt="missing"),
            ),
            Concern(
                _("Statement lines in review for more than %(days)d days") % {"days": REVIEW_DAYS},
                *self.long_in_review,
                _query(lines, status__exact="review", waiting="long"),
            ),
            Concern(
                _("Unmatched statement lines, money in"),
                *self.review_credits,
                _query(lines, status__exact="review", is_credit__exact="1"),
            ),
            Concern(
                _("Unmatched statement lines, money out"),
                *self.review_debits,
                _query(lines, status__exact="review", is_credit__exact="0"),
            ),
            Concern(
                _("Donations whose paid amount differs"),
                *self.mismatched,
                _query(gifts, amount_mismatch__exact="1"),
            ),
            Concern(
                _("Online payments still pending"),
                *self.pending,
                _query(gifts, status__in="open,pending"),
            ),
            Concern(
                _("Periodic gifts below the agreed yearly amount (amount short)"),
                *self.agreements_short_total,
            ),
            *self.registered,
        ]
        return [concern for concern in every if concern.count]


def _query(url: str, **params: str) -> str:
    return f"{url}?{urlencode(params)}"


def _count_sum(queryset, amount="amount") -> tuple[int, Decimal]:
    row = queryset.order_by().aggregate(
        n=Count("id"), total=Coalesce(Sum(amount), Value(ZERO), output_field=MONEY)
    )
    return row["n"], row["total"]


def treasurer_attention(*, until: date | None = None) -> Attention:
    """What needs the treasurer's attention: the funds' balances on `until` (default: today),
    everything else as it stands now. A fixed number of queries, whatever the ledger's size."""
    lines = StatementLine.objects.filter(status=StatementLine.Status.REVIEW)
    expenses = Expense.objects.filter(receipt="")
    if until is not None:
        expenses = expenses.filter(date__lte=until)
    return Attention(
        review_credits=_count_sum(lines.filter(is_credit=True)),
        review_debits=_count_sum(lines.filter(is_credit=False)),
        mismatched=_count_sum(Donation.objects.paid().filter(amount_mismatch=True), RECEIVED),
        pending=_count_sum(
            Donation.objects.filter(status__in=[Donation.Status.OPEN, Donation.Status.PENDING])
        ),
        long_in_review=_count_sum(lines.filter(statement__imported_at__lt=long_in_review_since())),
        without_receipt=_count_sum(expenses),
        funds_below_zero=[
            (fund.name, fund.balance) for fund in fund_balances(until=until) if fund.balance < 0
        ],
        agreements_short=agreement_shortfalls(until_year=last_closed_year(until)),
        registered=countersignatures_waiting(),
    )


def countersignatures_waiting() -> list[Concern]:
    """Agreements the donor signed and the foundation has not: the treasurer's to do."""
    count = PeriodicGiftAgreement.objects.filter(READY_TO_COUNTERSIGN).count()
    url = reverse("admin:agreements_periodicgiftagreement_changelist")
    return [
        Concern(
            _("Agreements waiting for the foundation's countersignature"),
            count,
            url=f"{url}?{WaitingForFilter.parameter_name}=countersignature",
        )
    ]
