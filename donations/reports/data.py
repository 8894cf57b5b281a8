"""The report figures, as plain data. The PDFs, the admin's fund overview and the public
pages all read their money from here, so they always agree.

Every figure is an aggregate query in the database; the number of queries does not grow with
the number of donations.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from donations.models import Correction, Donation, Expense, FundTransfer, StatementLine
from donations.models.donation import fund_label
from donations.selectors import MONEY, RECEIVED, RECEIVED_ON, ZERO, MoneyIn, money_in
from prisoners.models import Prisoner


@dataclass
class Movements:
    """What happened to one fund in a period."""

    received: Decimal = ZERO
    fees: Decimal = ZERO
    refunded: Decimal = ZERO
    corrected: Decimal = ZERO
    spent: Decimal = ZERO
    transferred_in: Decimal = ZERO
    transferred_out: Decimal = ZERO
    spent_by_category: dict[int, Decimal] = field(default_factory=dict)

    @property
    def raised(self) -> Decimal:
        """Money in, net of refunds, chargebacks and corrections: the site's one figure."""
        return self.received - self.refunded + self.corrected

    @property
    def net_income(self) -> Decimal:
        return self.raised - self.fees

    @property
    def net(self) -> Decimal:
        return self.net_income - self.spent + self.transferred_in - self.transferred_out


def _period(queryset, field_name: str, start: date | None, end: date | None):
    if start is not None:
        queryset = queryset.filter(**{f"{field_name}__gte": start})
    if end is not None:
        queryset = queryset.filter(**{f"{field_name}__lte": end})
    return queryset


def fund_movements(start: date | None = None, end: date | None = None) -> dict:
    """Movements per fund (key: prisoner id, None for the general fund). Four queries."""
    funds: dict = defaultdict(Movements)
    for key, money in money_in(start=start, end=end).items():
        fund = funds[key]
        fund.received, fund.fees = money.received, money.fees
        fund.refunded, fund.corrected = money.refunded, money.corrected
    expenses = _period(Expense.objects.all(), "date", start, end).order_by()
    for row in expenses.values("prisoner", "category").annotate(total=Sum("amount")):
        fund = funds[row["prisoner"]]
        fund.spent_by_category[row["category"]] = row["total"]
        fund.spent += row["total"]
    transfers = _period(FundTransfer.objects.all(), "date", start, end).order_by()
    for row in transfers.values("to_prisoner").annotate(total=Sum("amount")):
        funds[row["to_prisoner"]].transferred_in = row["total"]
    for row in transfers.values("from_prisoner").annotate(total=Sum("amount")):
        funds[row["from_prisoner"]].transferred_out = row["total"]
    return funds


@dataclass
class FundBalance:
    """One fund (a prisoner's, or the general fund when `prisoner` is None), until a date."""

    prisoner: Prisoner | None
    movements: Movements

    def __getattr__(self, name):
        return getattr(self.movements, name)

    @property
    def name(self) -> str:
        return fund_label(self.prisoner)

    @property
    def balance(self) -> Decimal:
        return self.movements.net


def _funds() -> list[Prisoner | None]:
    return [None, *Prisoner.objects.order_by("order", "name")]


def fund_balances(*, until: date | None = None) -> list[FundBalance]:
    """Every fund's balance: paid donations, less fees, refunds and chargebacks, less
    spending, plus or minus transfers. The general fund first, then each prisoner."""
    movements = fund_movements(None, until)
    return [FundBalance(p, movements.get(p.pk if p else None, Movements())) for p in _funds()]


@dataclass
class FundStatement:
    prisoner: Prisoner | None
    opening: Decimal
    period: Movements
    closing: Decimal

    @property
    def name(self) -> str:
        return fund_label(self.prisoner)

    @property
    def agrees(self) -> bool:
        return self.opening + self.period.net == self.closing


@dataclass
class GiftStats:
    count: int
    donors: int
    median: Decimal
    one_off: int
    monthly: int


@dataclass
class Attention:
    review_credits: tuple[int, Decimal]
    review_debits: tuple[int, Decimal]
    mismatched: tuple[int, Decimal]
    pending: tuple[int, Decimal]


@dataclass
class TreasurerReport:
    start: date
    end: date
    funds: list[FundStatement]
    totals: FundStatement
    gifts: GiftStats
    by_month: list[dict]
    by_method: list[dict]
    expenses: list[Expense]
    corrections: list[Correction]
    categories: dict
    attention: Attention

    @property
    def all_agree(self) -> bool:
        return all(f.agrees for f in self.funds) and self.totals.agrees


def _sum_movements(items) -> Movements:
    total = Movements()
    for item in items:
        for name in (
            "received",
            "fees",
            "refunded",
            "corrected",
            "spent",
            "transferred_in",
            "transferred_out",
        ):
            setattr(total, name, getattr(total, name) + getattr(item, name))
        for category, amount in item.spent_by_category.items():
            total.spent_by_category[category] = total.spent_by_category.get(category, ZERO) + amount
    return total


def _gift_stats(paid) -> GiftStats:
    row = paid.aggregate(
        count=Count("id"),
        with_email=Count("donor_email", distinct=True, filter=~Q(donor_email="")),
        without_email=Count("id", filter=Q(donor_email="")),
        monthly=Count("id", filter=Q(frequency=Donation.Frequency.MONTHLY)),
    )
    count = row["count"]
    # The median from the database: at most two middle values, whatever the count.
    middle = list(
        paid.annotate(gift=RECEIVED)
        .order_by("gift")
        .values_list("gift", flat=True)[max((count - 1) // 2, 0) : count // 2 + 1]
    )
    median = (sum(middle, ZERO) / len(middle)).quantize(Decimal("0.01")) if middle else ZERO
    return GiftStats(
        count=count,
        donors=row["with_email"] + row["without_email"],
        median=median,
        one_off=count - row["monthly"],
        monthly=row["monthly"],
    )


def _count_sum(queryset, amount="amount") -> tuple[int, Decimal]:
    row = queryset.aggregate(
        n=Count("id"), total=Coalesce(Sum(amount), Value(ZERO), output_field=MONEY)
    )
    return row["n"], row["total"]


def treasurer_report(start: date, end: date) -> TreasurerReport:
    """Everything the treasurer's report shows for a period, from the ledger, to the cent."""
    from donations.models import Category

    opening = fund_movements(None, start - timedelta(days=1))
    period = fund_movements(start, end)
    closing = fund_movements(None, end)
    funds = []
    for prisoner in _funds():
        key = prisoner.pk if prisoner else None
        funds.append(
            FundStatement(
                prisoner=prisoner,
                opening=opening.get(key, Movements()).net,
                period=period.get(key, Movements()),
                closing=closing.get(key, Movements()).net,
            )
        )
    totals = FundStatement(
        prisoner=None,
        opening=sum((f.opening for f in funds), ZERO),
        period=_sum_movements(f.period for f in funds),
        closing=sum((f.closing for f in funds), ZERO),
    )
    paid = Donation.objects.paid().annotate(day=RECEIVED_ON).filter(day__gte=start, day__lte=end)
    by_month = list(
        paid.annotate(month=TruncMonth("day"))
        .order_by("month")
        .values("month")
        .annotate(
            gross=Sum(RECEIVED),
            fees=Coalesce(Sum("fee"), Value(ZERO), output_field=MONEY),
            count=Count("id"),
        )
    )
    labels = dict(Donation.Method.choices)
    by_method = [
        {**row, "label": labels.get(row["method"], row["method"])}
        for row in paid.order_by("method")
        .values("method")
        .annotate(
            gross=Sum(RECEIVED),
            fees=Coalesce(Sum("fee"), Value(ZERO), output_field=MONEY),
            count=Count("id"),
        )
    ]
    lines = StatementLine.objects.filter(status=StatementLine.Status.REVIEW)
    attention = Attention(
        review_credits=_count_sum(lines.filter(is_credit=True)),
        review_debits=_count_sum(lines.filter(is_credit=False)),
        mismatched=_count_sum(Donation.objects.paid().filter(amount_mismatch=True), RECEIVED),
        pending=_count_sum(
            Donation.objects.filter(status__in=[Donation.Status.OPEN, Donation.Status.PENDING])
        ),
    )
    return TreasurerReport(
        start=start,
        end=end,
        funds=funds,
        totals=totals,
        gifts=_gift_stats(paid),
        by_month=by_month,
        by_method=by_method,
        expenses=list(
            Expense.objects.filter(date__gte=start, date__lte=end)
            .select_related("prisoner", "category")
            .order_by("date", "id")
        ),
        corrections=list(
            Correction.objects.filter(date__gte=start, date__lte=end)
            .select_related("donation__prisoner")
            .order_by("date", "id")
        ),
        categories={c.pk: c for c in Category.objects.all()},
        attention=attention,
    )


@dataclass
class DonorGift:
    """One paid gift on a donor's statement, with what went back and what was corrected."""

    donation: Donation
    money: MoneyIn

    @property
    def day(self) -> date:
        return self.donation.day


@dataclass
class DonorYear:
    """A donor's gifts received in one calendar year, net of refunds, chargebacks and
    corrections (dated on their gift's day: see `money_in(on_gift_day=True)`)."""

    year: int
    gifts: list[DonorGift]
    total: MoneyIn

    def digest(self) -> str:
        """Changes whenever a figure on the statement would: a refund, a correction, a gift."""
        rows = [
            (g.donation.pk, str(g.money.received), str(g.money.refunded), str(g.money.corrected))
            for g in self.gifts
        ]
        return hashlib.sha256(repr((self.year, rows)).encode()).hexdigest()


def donor_year(*, donor_id: int, year: int) -> DonorYear:
    """What one donor gave in a year, gift by gift: the annual statement's figures.

    Built on `money_in`, the same query every report uses, so the statement and the
    treasurer's report count the same money the same way. Two queries.
    """
    start, end = date(year, 1, 1), date(year, 12, 31)
    per_gift = money_in(start=start, end=end, by="gift", donor_id=donor_id, on_gift_day=True)
    donations = (
        Donation.objects.filter(pk__in=per_gift, donor_id=donor_id)
        .annotate(day=RECEIVED_ON)
        .select_related("prisoner")
        .order_by("day", "id")
    )
    gifts = [DonorGift(donation, per_gift[donation.pk]) for donation in donations]
    total = MoneyIn()
    for gift in gifts:
        total.add(gift.money)
    return DonorYear(year=year, gifts=gifts, total=total)


def donor_money_in(*, donor_id: int, start: date, end: date) -> MoneyIn:
    """One donor's money in for a period, each entry on its own date: the treasurer's
    report's figure, restricted to this donor."""
    total = MoneyIn()
    for row in money_in(start=start, end=end, donor_id=donor_id).values():
        total.add(row)
    return total


def donor_years(*, donor_id: int) -> list[int]:
    """The years in which a donor has a paid gift, newest first."""
    years = (
        Donation.objects.paid()
        .filter(donor_id=donor_id)
        .annotate(day=RECEIVED_ON)
        .dates("day", "year", order="DESC")
    )
    return [day.year for day in years]
