"""The report figures, as plain data. The PDFs, the admin's fund overview and the public
pages all read their money from here, so they always agree.

Every figure is an aggregate query in the database; the number of queries does not grow with
the number of donations.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger import running_totals as totals
from ledger.models import Category, Correction, Donation, Expense, FundTransfer, LedgerEntry
from ledger.models.donation import fund_label
from ledger.selectors import MONEY, RECEIVED, RECEIVED_ON, ZERO, money_in
from prisoners.models import Prisoner
from reports.monthly import MonthlyGiving, monthly_giving


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


AMOUNTS = (
    "received",
    "fees",
    "refunded",
    "corrected",
    "spent",
    "transferred_in",
    "transferred_out",
)


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


def journal_movements(start: date | None = None, end: date | None = None) -> dict:
    """The same as fund_movements, summed from the journal (ledger.models.journal): one
    GROUP BY. Funds and categories whose entries cancel out are left out on both sides."""
    funds: dict = defaultdict(Movements)
    rows = _period(LedgerEntry.objects.all(), "day", start, end).order_by()
    for row in rows.values("fund", "kind", "category").annotate(total=Sum("amount")):
        fund, kind, total = funds[row["fund"]], row["kind"], row["total"]
        if kind == LedgerEntry.Kind.FEE:
            fund.fees += total
        elif kind == LedgerEntry.Kind.SPENT:
            fund.spent += total
            category = row["category"]
            fund.spent_by_category[category] = fund.spent_by_category.get(category, ZERO) + total
        else:
            setattr(fund, kind, getattr(fund, kind) + total)
    return movements_without_zeros(funds)


def movements_without_zeros(funds: dict) -> dict:
    kept = {}
    for key, fund in funds.items():
        fund.spent_by_category = {c: v for c, v in fund.spent_by_category.items() if v}
        if any(getattr(fund, name) for name in AMOUNTS) or fund.spent_by_category:
            kept[key] = fund
    return kept


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
    # A name for funds shown together (the public statements group unpublished prisoners).
    label: str = ""

    @property
    def name(self) -> str:
        return self.label or fund_label(self.prisoner)

    @property
    def is_empty(self) -> bool:
        """Nothing in it and nothing moved: a fund opened after the period, say."""
        moved = any(getattr(self.period, name) for name in AMOUNTS)
        return not (self.opening or self.closing or moved)

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
class TreasurerReport:
    start: date
    end: date
    funds: list[FundStatement]
    totals: FundStatement
    gifts: GiftStats
    by_month: list[dict]
    by_method: list[dict]
    monthly: MonthlyGiving
    expenses: list[Expense]
    corrections: list[Correction]
    categories: dict

    @property
    def all_agree(self) -> bool:
        return all(f.agrees for f in self.funds) and self.totals.agrees


def _sum_movements(items) -> Movements:
    total = Movements()
    for item in items:
        for name in AMOUNTS:
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


def fund_statements(start: date, end: date) -> tuple[list[FundStatement], FundStatement]:
    """Each fund's opening balance, movements and closing balance for a period, and all funds
    together. The treasurer's report and the public financial statements both start here."""
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
    return funds, _together(funds)


def _together(funds: list[FundStatement], label: str = "") -> FundStatement:
    return FundStatement(
        prisoner=None,
        opening=sum((f.opening for f in funds), ZERO),
        period=_sum_movements(f.period for f in funds),
        closing=sum((f.closing for f in funds), ZERO),
        label=label,
    )


def treasurer_report(start: date, end: date) -> TreasurerReport:
    """Everything the treasurer's report shows for a period, from the ledger, to the cent."""
    funds, totals = fund_statements(start, end)
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
    return TreasurerReport(
        start=start,
        end=end,
        funds=funds,
        totals=totals,
        gifts=_gift_stats(paid),
        by_month=by_month,
        by_method=by_method,
        monthly=monthly_giving(start, end),
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
    )


@dataclass
class FinancialStatements:
    """The public accounts of one closed year: income and expenditure, and the funds.

    The totals are the treasurer's report's for the same year; only the funds of prisoners
    whose page is not published are shown together, so that no hidden name appears.
    """

    year: int
    totals: FundStatement
    spending: list[tuple[Category, Decimal]]
    funds: list[FundStatement]

    @property
    def start(self) -> date:
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        return date(self.year, 12, 31)

    @property
    def income(self) -> Decimal:
        return self.totals.period.raised

    @property
    def expenditure(self) -> Decimal:
        return self.totals.period.spent + self.totals.period.fees

    @property
    def result(self) -> Decimal:
        # Transfers between funds add up to nothing for the foundation as a whole.
        return self.income - self.expenditure


def financial_statements(year: int) -> FinancialStatements:
    funds, totals = fund_statements(date(year, 1, 1), date(year, 12, 31))
    shown, hidden = [], []
    for fund in funds:
        public = fund.prisoner is None or fund.prisoner.is_published
        (shown if public else hidden).append(fund)
    if hidden:
        shown.append(_together(hidden, label=_("Funds of prisoners not shown on this site")))
    spent = totals.period.spent_by_category
    return FinancialStatements(
        year=year,
        totals=totals,
        spending=[(c, spent[c.pk]) for c in Category.objects.all() if spent.get(c.pk)],
        funds=[f for f in shown if not f.is_empty],
    )


def closed_years(today: date | None = None) -> list[int]:
    """Every year before this one since the books began, newest first. A closed year without
    any entry still gets its statements: the funds' balances carry over through it.

    From the years' running totals: one small query, whatever the size of the ledger."""
    first = totals.books_first_year()
    if first is None:
        return []
    this_year = (today or timezone.localdate()).year
    return list(range(this_year - 1, first - 1, -1))
