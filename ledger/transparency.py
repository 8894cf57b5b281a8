"""The public "where the money went" figures: money in and out, with no donor in them.

A quarter with fewer than `MIN_GIFTS` entries is shown together with its neighbour, and all
income is rounded to whole euros, so that no single gift, and so no single donor, can be read
off the page. Spending is shown by category only, never with its description.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum
from django.db.models.functions import TruncQuarter

from ledger.models import Category, Expense, FundTotal, Purpose, QuarterTotal
from ledger.selectors import ZERO
from prisoners.models import Prisoner

MIN_GIFTS = 3
QUARTERS_SHOWN = 8
# The chart's drawing units: a 40-unit margin, then 70 per quarter; bars up to 160 high on the
# axis at 180, and two lines of labels under it. It is as wide as the most quarters shown, so
# that where the chart shows (40rem and up, see site.css) a unit is about a pixel, whatever
# the number of quarters, and the labels read at their own size.
CHART_MARGIN, CHART_COLUMN = 40, 70
CHART_WIDTH, CHART_HEIGHT = CHART_MARGIN + QUARTERS_SHOWN * CHART_COLUMN, 225


def _whole(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("1"), rounding=ROUND_HALF_UP)


def _quarter_label(day) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


@dataclass
class Quarter:
    """One row of the public table: a quarter, or neighbouring quarters shown together."""

    start: object
    last: object = None
    income: Decimal = ZERO
    entries: int = 0
    spent: dict[str, Decimal] = field(default_factory=dict)

    @property
    def label(self) -> str:
        if self.last is None or self.last == self.start:
            return _quarter_label(self.start)
        return f"{_quarter_label(self.start)} – {_quarter_label(self.last)}"

    @property
    def label_lines(self) -> list[str]:
        """The label in lines a chart column can hold: "2024 Q1 –" over "2024 Q2"."""
        if self.last is None or self.last == self.start:
            return [_quarter_label(self.start)]
        return [f"{_quarter_label(self.start)} –", _quarter_label(self.last)]

    @property
    def spent_total(self) -> Decimal:
        return sum(self.spent.values(), ZERO)

    def absorb(self, other: Quarter) -> None:
        # The end is taken before the start moves: a quarter taking in the one before it
        # would otherwise end where it now starts.
        self.last = max(self.last or self.start, other.last or other.start)
        self.start = min(self.start, other.start)
        self.income += other.income
        self.entries += other.entries
        for purpose, amount in other.spent.items():
            self.spent[purpose] = self.spent.get(purpose, ZERO) + amount


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

    @property
    def chart_view_box(self) -> str:
        return f"0 0 {CHART_WIDTH} {CHART_HEIGHT}"


def _merged(quarters: list[Quarter]) -> list[Quarter]:
    """Quarters with too few entries to hide a single gift are merged into a neighbour, and
    the oldest are merged into one row, so the rows shown add up to the headline and no
    row can be subtracted from it to recover one gift."""
    rows = list(quarters)
    while len(rows) > 1:
        small = next((i for i, q in enumerate(rows) if 0 < q.entries < MIN_GIFTS), None)
        if small is None:
            break
        neighbour = small + 1 if small + 1 < len(rows) else small - 1
        rows[neighbour].absorb(rows.pop(small))
    while len(rows) > QUARTERS_SHOWN:
        rows[1].absorb(rows.pop(0))
    return rows


def money_flow() -> MoneyFlow:
    """A fixed number of small queries: money in comes from the running totals (never a scan
    of the gifts), spending from its own short table, entered by hand."""
    by_quarter: dict = {}
    quarter_rows = (
        QuarterTotal.objects.exclude(entries=0)
        .annotate(net=QuarterTotal.raised_sql())
        .values_list("quarter", "net", "entries")
    )
    for day, income, entries in quarter_rows:
        by_quarter[day] = Quarter(start=day, income=income, entries=entries)
    spending = (
        Expense.objects.annotate(quarter=TruncQuarter("date"))
        .order_by()
        .values("quarter", "category__purpose")
        .annotate(total=Sum("amount"))
    )
    for row in spending:
        quarter = by_quarter.setdefault(row["quarter"], Quarter(start=row["quarter"]))
        quarter.spent[row["category__purpose"]] = row["total"]

    quarters = _merged([by_quarter[k] for k in sorted(by_quarter)])
    for quarter in quarters:
        quarter.income = _whole(quarter.income)

    spent_by_category = dict(
        Expense.objects.order_by()
        .values("category")
        .annotate(total=Sum("amount"))
        .values_list("category", "total")
    )
    categories = [(c, spent_by_category.get(c.pk, ZERO)) for c in Category.objects.all()]
    return MoneyFlow(
        quarters=quarters,
        categories=categories,
        funds=_funds(),
        # The sum of the rounded rows, so that the rows always add up to the headline.
        income=sum((q.income for q in quarters), ZERO),
        spent=sum(spent_by_category.values(), ZERO),
        chart=_chart(quarters),
    )


def _funds() -> list[FundFlow]:
    # Plain rows, not models: with 50 prisoners, making the models cost more than the page.
    totals = {
        prisoner: (raised, spent)
        for prisoner, raised, spent in FundTotal.objects.annotate(
            net=FundTotal.raised_sql()
        ).values_list("prisoner", "net", "spent")
    }
    url, nothing = Prisoner.url_maker(), (ZERO, ZERO)
    published = (
        Prisoner.objects.published().order_by("order", "name").values_list("pk", "name", "slug")
    )
    # The general fund first, then each published prisoner in the site's order.
    funds = []
    for pk, name, slug in [(None, "", ""), *published]:
        raised, spent = totals.get(pk, nothing)
        # Each prisoner's page already shows what was raised for them; so may this page.
        funds.append(
            FundFlow(name=name, url=url(slug) if slug else "", income=_whole(raised), spent=spent)
        )
    return funds


def _chart(quarters: list[Quarter]) -> list[dict]:
    """Bar geometry for the SVG: money in and out per quarter, scaled to the largest bar."""
    values = [max(q.income, ZERO) for q in quarters] + [q.spent_total for q in quarters]
    top = max(values, default=ZERO) or Decimal(1)
    bars = []
    for index, quarter in enumerate(quarters):
        x = CHART_MARGIN + index * CHART_COLUMN
        for offset, value, kind in (
            (0, max(quarter.income, ZERO), "in"),
            (26, quarter.spent_total, "out"),
        ):
            height = int(160 * value / top)
            bars.append(
                {
                    "x": x + offset,
                    "y": 180 - height,
                    "height": height,
                    "kind": kind,
                    "label": quarter.label_lines if kind == "in" else [],
                }
            )
    return bars


PURPOSES = dict(Purpose.choices)
