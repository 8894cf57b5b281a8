"""The journal and the running totals checked against the ledger, which stays the truth
(`verify_totals`)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from django.db.models import Case, Count, IntegerField, Sum, Value, When
from django.db.models.functions import ExtractYear

from ledger.journal import INCOME_KINDS
from ledger.models import (
    CampaignTotal,
    Expense,
    FundTotal,
    FundTransfer,
    LedgerEntry,
    QuarterTotal,
    YearTotal,
)
from ledger.running_totals import AMOUNTS, INCOME
from ledger.selectors import campaign_totals_ledger, money_in
from reports.data import AMOUNTS as MOVEMENTS
from reports.data import fund_movements, journal_movements, movements_without_zeros

ZERO = Decimal("0.00")


def _fund_name(key) -> str:
    return "general fund" if key is None else f"fund of prisoner {key}"


def _compare(label: str, kept: dict, ledger: dict, names) -> list[str]:
    differences = []
    for key in sorted(kept.keys() | ledger.keys(), key=lambda k: (k is not None, str(k))):
        mine, truth = kept.get(key, {}), ledger.get(key, {})
        for name in names:
            have, want = mine.get(name, 0), truth.get(name, 0)
            if have != want:
                differences.append(
                    f"{label(key)}: {name} is {have} in the running totals, {want} in the ledger"
                )
    return differences


def _ledger_funds() -> dict:
    funds = {}
    entries = {key: money.entries for key, money in money_in().items()}
    for key, fund in fund_movements().items():
        funds[key] = {name: getattr(fund, name) for name in AMOUNTS if name != "entries"}
        funds[key]["entries"] = entries.get(key, 0)
    return funds


def _ledger_years() -> dict:
    years = Counter()
    for quarter, money in money_in(by="quarter").items():
        years[quarter.year] += money.entries
    for model in (Expense, FundTransfer):
        rows = model.objects.order_by().values(year=ExtractYear("date")).annotate(n=Count("id"))
        for row in rows:
            years[row["year"]] += row["n"]
    return {year: {"entries": n} for year, n in years.items()}


def _journal_funds() -> dict:
    """What the journal adds up to per fund, in the running totals' terms."""
    counted = Case(
        When(kind__in=INCOME_KINDS, reverses__isnull=True, then=Value(1)),
        When(kind__in=INCOME_KINDS, then=Value(-1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    funds: dict = {}
    rows = LedgerEntry.objects.order_by().values("fund", "kind")
    for row in rows.annotate(total=Sum("amount"), n=Sum(counted)):
        fund = funds.setdefault(row["fund"], dict.fromkeys(AMOUNTS, 0))
        if row["kind"] in fund:
            fund[row["kind"]] += row["total"]
        fund["entries"] += row["n"]
    return funds


def journal_differences() -> list[str]:
    """Every fund figure where the journal and the ledger disagree."""
    journal = journal_movements()
    ledger = movements_without_zeros(fund_movements())
    differences = []
    for key in sorted(journal.keys() | ledger.keys(), key=lambda k: (k is not None, str(k))):
        mine, truth = journal.get(key), ledger.get(key)
        for name in (*MOVEMENTS, "spent_by_category"):
            have = getattr(mine, name) if mine else 0
            want = getattr(truth, name) if truth else 0
            if have != want:
                differences.append(
                    f"{_fund_name(key)}: {name} is {have} in the journal, {want} in the ledger"
                )
    return differences


def totals_differences() -> list[str]:
    """Every figure where the running totals and the ledger disagree; empty when they agree.

    Recomputes everything from the ledger (the treasurer's report's own selectors). Reads
    only: a difference is for a person to look into, never repaired behind their back.
    """
    kept_funds = {
        row.prisoner_id: {name: getattr(row, name) for name in AMOUNTS}
        for row in FundTotal.objects.all()
    }
    kept_quarters = {
        row.quarter: {name: getattr(row, name) for name in INCOME}
        for row in QuarterTotal.objects.all()
    }
    ledger_quarters = {
        quarter: {name: getattr(money, name) for name in INCOME}
        for quarter, money in money_in(by="quarter").items()
    }
    differences = journal_differences()
    differences += _compare(_fund_name, kept_funds, _ledger_funds(), AMOUNTS)
    differences += [
        difference.replace("in the ledger", "in the journal")
        for difference in _compare(_fund_name, kept_funds, _journal_funds(), AMOUNTS)
    ]
    differences += _compare(lambda q: f"quarter {q}", kept_quarters, ledger_quarters, INCOME)
    kept_years = {row.year: {"entries": row.entries} for row in YearTotal.objects.all()}
    differences += _compare(lambda y: f"year {y}", kept_years, _ledger_years(), ("entries",))
    donors = CampaignTotal.objects.filter(pk=CampaignTotal.ROW).values_list("donors", flat=True)
    kept_donors, ledger_donors = donors.first() or 0, campaign_totals_ledger().donors
    if kept_donors != ledger_donors:
        differences.append(
            f"donors: {kept_donors} in the running totals, {ledger_donors} in the ledger"
        )
    return differences
