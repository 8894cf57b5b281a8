"""The public "where the money went" figures: money in and out, with no donor in them.

Income per quarter is shown only when at least `MIN_GIFTS` gifts make it up, and all income
is rounded to whole euros, so that no single gift, and so no single donor, can be read off the
page. Spending is shown by category only, never with its description.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Sum
from django.db.models.functions import TruncQuarter

from donations.models import Category, Donation, Expense, Purpose, Refund
from donations.reports.data import Movements, fund_movements
from donations.selectors import RECEIVED, REFUNDED, ZERO
from prisoners.models import Prisoner

MIN_GIFTS = 3
QUARTERS_SHOWN = 8


def _whole(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("1"), rounding=ROUND_HALF_UP)


@dataclass
class Quarter:
    start: object
    income: Decimal | None = None  # None: too few gifts to show
    gifts: int = 0
    spent: dict[str, Decimal] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.start.year} Q{(self.start.month - 1) // 3 + 1}"

    @property
    def spent_total(self) -> Decimal:
        return sum(self.spent.values(), ZERO)


@dataclass
class FundFlow:
    name: str
    url: str
    income: Decimal
    spent: Decimal


@dataclass
class MoneyFlow:
    quarters: list[Quarter]
    categories: list[tuple[Category, Decimal]]
    funds: list[FundFlow]
    income: Decimal
    spent: Decimal
    chart: list[dict]


def money_flow() -> MoneyFlow:
    """A fixed number of aggregate queries, however many gifts and expenses there are."""
    by_quarter: dict = {}
    gifts = (
        Donation.objects.paid()
        .exclude(received_on__isnull=True)
        .annotate(quarter=TruncQuarter("received_on"))
        .order_by()
        .values("quarter")
        .annotate(total=Sum(RECEIVED), count=Count("id"))
    )
    for row in gifts:
        by_quarter[row["quarter"]] = Quarter(
            start=row["quarter"], income=row["total"], gifts=row["count"]
        )
    refunds = (
        Refund.objects.annotate(quarter=TruncQuarter("created_at__date"))
        .order_by()
        .values("quarter")
        .annotate(total=Sum(REFUNDED))
    )
    for row in refunds:
        quarter = by_quarter.setdefault(row["quarter"], Quarter(start=row["quarter"], income=ZERO))
        quarter.income = (quarter.income or ZERO) - row["total"]
    spending = (
        Expense.objects.annotate(quarter=TruncQuarter("date"))
        .order_by()
        .values("quarter", "category__purpose")
        .annotate(total=Sum("amount"))
    )
    for row in spending:
        quarter = by_quarter.setdefault(row["quarter"], Quarter(start=row["quarter"], income=ZERO))
        quarter.spent[row["category__purpose"]] = row["total"]

    quarters = [by_quarter[k] for k in sorted(by_quarter)][-QUARTERS_SHOWN:]
    income = sum((q.income or ZERO for q in by_quarter.values()), ZERO)
    for quarter in quarters:
        shown = quarter.gifts >= MIN_GIFTS or quarter.gifts == 0
        quarter.income = _whole(quarter.income) if shown and quarter.income is not None else None

    movements = fund_movements()
    spent_by_category: dict[int, Decimal] = {}
    for fund in movements.values():
        for category, amount in fund.spent_by_category.items():
            spent_by_category[category] = spent_by_category.get(category, ZERO) + amount
    categories = [(c, spent_by_category.get(c.pk, ZERO)) for c in Category.objects.all()]
    return MoneyFlow(
        quarters=quarters,
        categories=categories,
        funds=_funds(movements),
        income=_whole(income),
        spent=sum(spent_by_category.values(), ZERO),
        chart=_chart(quarters),
    )


def _funds(movements: dict) -> list[FundFlow]:
    funds = []
    for prisoner in [None, *Prisoner.objects.published()]:
        fund = movements.get(prisoner.pk if prisoner else None, Movements())
        # Each prisoner's page already shows what was raised for them; so may this page.
        funds.append(
            FundFlow(
                name=prisoner.name if prisoner else "",
                url=prisoner.get_absolute_url() if prisoner else "",
                income=_whole(fund.received),
                spent=fund.spent,
            )
        )
    return funds


def _chart(quarters: list[Quarter]) -> list[dict]:
    """Bar geometry for the SVG: money in and out per quarter, scaled to the largest bar."""
    values = [q.income or ZERO for q in quarters] + [q.spent_total for q in quarters]
    top = max(values, default=ZERO) or Decimal(1)
    bars = []
    for index, quarter in enumerate(quarters):
        x = 40 + index * 70
        for offset, value, kind in (
            (0, quarter.income or ZERO, "in"),
            (26, quarter.spent_total, "out"),
        ):
            height = int(160 * value / top)
            bars.append(
                {
                    "x": x + offset,
                    "y": 180 - height,
                    "height": height,
                    "kind": kind,
                    "label": quarter.label if kind == "in" else "",
                }
            )
    return bars


PURPOSES = dict(Purpose.choices)
