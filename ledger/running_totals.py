"""Keeping the journal (ledger/models/journal.py) and the running totals
(ledger/models/totals.py) in step with the ledger.

Every ledger row that moves money (a paid gift, a refund or chargeback or its reversal, a
correction, spending, a fund transfer) says what it moves (`journal_lines`, from
ledger.journal) and what a year's published accounts read of it (`books_entry`, for the
years' totals). Its save, delete and bulk_create (ledger/models/counted.py) call
`ledger_row_saved` / `ledger_rows_created` in the same transaction, so no writer can forget:
the payment path, the statement import, the treasurer's review actions, the admin forms,
load_demo, and a test's factory all keep the journal and the totals right. The totals add
exactly what the journal rows written add. `manage.py verify_totals` checks both against the
ledger.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Min, Q, Sum, Value
from django.db.models.functions import Coalesce

from crowdfund.content import content_changed
from donors.models import Donor, normalise_email
from donors.services import donor_create
from ledger.entries import AMOUNTS, INCOME, ZERO, BooksEntry, Entry
from ledger.journal import Line, totals_entries
from ledger.models.journal import LedgerEntry
from ledger.models.totals import CampaignTotal, FundTotal, QuarterTotal, YearTotal


def totals_apply(*, add: Iterable[Entry] = (), remove: Iterable[Entry] = ()) -> None:
    """Add the entries to the running totals (and take removed ones away).

    Must run inside the transaction that writes the ledger rows. Each fund's and quarter's
    row is locked first, in a fixed order, as the ledger locks its gifts: two payments for
    the same fund then add up instead of one overwriting the other, and two transactions
    that touch the same funds never wait on each other crosswise.
    """
    if not transaction.get_connection().in_atomic_block:
        # Outside the ledger row's transaction, a failure between the two writes would leave
        # the totals counting money the ledger does not hold.
        raise RuntimeError("The running totals change only in the ledger row's transaction.")
    funds: dict = defaultdict(lambda: dict.fromkeys(AMOUNTS, 0))
    quarters: dict = defaultdict(lambda: dict.fromkeys(INCOME, 0))
    for sign, entries in ((1, add), (-1, remove)):
        for entry in entries:
            fund = funds[entry.fund]
            for name in AMOUNTS:
                fund[name] += sign * getattr(entry, name)
            if entry.quarter is not None:
                quarter = quarters[entry.quarter]
                for name in INCOME:
                    quarter[name] += sign * getattr(entry, name)
    funds = {key: delta for key, delta in funds.items() if any(delta.values())}
    quarters = {key: delta for key, delta in quarters.items() if any(delta.values())}
    if not funds and not quarters:
        return
    _update(FundTotal, _fund_rows(funds), funds)
    _update(QuarterTotal, _quarter_rows(quarters), quarters)
    content_changed()


def _update(model, rows: dict, deltas: dict) -> None:
    for key, delta in deltas.items():
        changes = {name: F(name) + value for name, value in delta.items() if value}
        model.objects.filter(pk=rows[key]).update(**changes)


def _locked(make_query, create, keys) -> dict:
    rows = make_query(keys)
    missing = [key for key in keys if key not in rows]
    if missing:
        # A fund or quarter's first money. Another transaction may create the same row at
        # this moment; the insert then waits for it and skips, and the lock below finds it.
        create(missing)
        rows = make_query(keys)
    return rows


def _fund_rows(funds: dict) -> dict:
    def query(keys):
        match = Q(prisoner__in=[key for key in keys if key is not None])
        if None in keys:
            match |= Q(prisoner__isnull=True)
        locked = (
            FundTotal.objects.select_for_update()
            .filter(match)
            .order_by(Coalesce("prisoner", Value(0)))
            .values_list("prisoner", "pk")
        )
        return dict(locked)

    def create(keys):
        FundTotal.objects.bulk_create(
            [FundTotal(prisoner_id=key) for key in keys], ignore_conflicts=True
        )

    return _locked(query, create, list(funds)) if funds else {}


def _quarter_rows(quarters: dict) -> dict:
    def query(keys):
        locked = (
            QuarterTotal.objects.select_for_update()
            .filter(quarter__in=keys)
            .order_by("quarter")
            .values_list("quarter", "pk")
        )
        return dict(locked)

    def create(keys):
        QuarterTotal.objects.bulk_create(
            [QuarterTotal(quarter=key) for key in keys], ignore_conflicts=True
        )

    return _locked(query, create, list(quarters)) if quarters else {}


def years_apply(*, add: Iterable[BooksEntry] = (), remove: Iterable[BooksEntry] = ()) -> None:
    """Count rows in and out of the years they are dated in, and move those years' versions.

    In the ledger row's transaction, after the funds and quarters, each year's row updated
    (so locked) in year order: as for those, two transactions never wait on each other
    crosswise, and a version never moves without the change that moved it.
    """
    years: dict[int, int] = defaultdict(int)
    for sign, entries in ((1, add), (-1, remove)):
        for entry in entries:
            years[entry.day.year] += sign
    for year in sorted(years):
        changes = {"version": F("version") + 1, "entries": F("entries") + years[year]}
        if not YearTotal.objects.filter(year=year).update(**changes):
            # The year's first row; another transaction may be making it at this moment.
            YearTotal.objects.bulk_create([YearTotal(year=year)], ignore_conflicts=True)
            YearTotal.objects.filter(year=year).update(**changes)


# Donors.


def donors_link(donations) -> None:
    """Paid gifts with an email belong to that email's donor record, made on the first one."""
    emails = {
        normalise_email(d.donor_email)
        for d in donations
        if d.is_paid and d.donor_email and d.donor_id is None
    }
    if not emails:
        return
    known = dict(Donor.objects.filter(email__in=emails).values_list("email", "pk"))
    for email in sorted(emails - known.keys()):
        donation = next(d for d in donations if normalise_email(d.donor_email) == email)
        known[email] = _donor_create(email, donation).pk
    for donation in donations:
        if donation.is_paid and donation.donor_email and not donation.donor_id:
            donation.donor_id = known[normalise_email(donation.donor_email)]


def _donor_create(email: str, donation):
    name = "" if donation.is_anonymous else donation.donor_name
    return donor_create(email=email, name=name, language=donation.language)


def donors_count(*, paid: list, unpaid: list = ()) -> None:
    """Count the donors of gifts that just became paid (and uncount those that stopped
    being paid). A donor counts once however often they gave; a gift without an email (cash,
    most bank transfers) counts as a donor of its own, as campaign_totals always did."""
    delta = _donors_new(paid) - _donors_new(unpaid)
    if not delta:
        return
    updated = CampaignTotal.objects.filter(pk=CampaignTotal.ROW).update(donors=F("donors") + delta)
    if not updated:
        CampaignTotal.objects.bulk_create(
            [CampaignTotal(pk=CampaignTotal.ROW)], ignore_conflicts=True
        )
        CampaignTotal.objects.filter(pk=CampaignTotal.ROW).update(donors=F("donors") + delta)
    content_changed()


def _donors_new(donations) -> int:
    """How many of these gifts' donors have no other paid gift."""
    without_email = sum(1 for d in donations if d.donor_id is None)
    donor_ids = sorted({d.donor_id for d in donations if d.donor_id is not None})
    if not donor_ids:
        return without_email
    _lock_donors(donor_ids)
    others = (
        type(donations[0])
        .objects.paid()
        .filter(donor_id__in=donor_ids)
        .exclude(pk__in=[d.pk for d in donations])
        .values_list("donor_id", flat=True)
        .distinct()
    )
    return without_email + len(set(donor_ids) - set(others))


def _lock_donors(donor_ids: list[int]) -> None:
    # Lock: the same donor's two gifts paid at the same moment must count them once; the
    # second waits here, then sees the first one paid. A function of its own so that
    # tests/donations/test_running_totals_concurrency.py can take the lock away.
    list(Donor.objects.select_for_update().filter(pk__in=donor_ids).order_by("pk").values("pk"))


# The hooks of ledger/models/counted.py.


def ledger_row_saving(row, update_fields):
    """Before a ledger row is written: a paid gift is linked to its donor record."""
    if row.IS_GIFT and not row.donor_id:
        donors_link([row])
        if row.donor_id and update_fields is not None:
            update_fields = {*update_fields, "donor"}
    return update_fields


def journal_apply(row, *, stored: bool, lines: list[Line]) -> bool:
    """Make the journal say what `row` moves now: reverse its entries that say otherwise,
    add the new ones, and move the running totals by exactly that. True when they moved."""
    live = []
    if stored:
        live = list(
            LedgerEntry.objects.live()
            .filter(source=row.JOURNAL_SOURCE, source_id=row.pk)
            .order_by("pk")
        )
    old = [entry.line() for entry in live]
    if Counter(old) == Counter(lines):
        return False
    LedgerEntry.objects.bulk_create([entry.reversal() for entry in live] + _entries(row, lines))
    added, removed = totals_entries(lines), totals_entries(old)
    totals_apply(add=added, remove=removed)
    return Counter(added) != Counter(removed)


def _entries(row, lines: list[Line]) -> list[LedgerEntry]:
    return [
        LedgerEntry(
            fund_id=line.fund,
            day=line.day,
            kind=line.kind,
            amount=line.amount,
            category_id=line.category,
            source=row.JOURNAL_SOURCE,
            source_id=row.pk,
        )
        for line in lines
    ]


def ledger_row_saved(*, before, after) -> None:
    """After a ledger row was written (or deleted: `after` is None), in its transaction."""
    row = after if after is not None else before
    lines = after.journal_lines() if after is not None else []
    moved = journal_apply(row, stored=before is not None, lines=lines)
    was = before.books_entry() if before is not None else None
    now = after.books_entry() if after is not None else None
    if was != now:
        years_apply(add=[now] if now else [], remove=[was] if was else [])
        if not moved:
            # A fee or a category alone moves no total, but a year's published accounts
            # show it, and the statements' version is worked out again per content version.
            content_changed()
    if row.IS_GIFT:
        was_paid = before is not None and before.is_paid
        is_paid = after is not None and after.is_paid
        if was_paid != is_paid:
            donors_count(paid=[after] if is_paid else [], unpaid=[before] if was_paid else [])


def ledger_rows_created(rows: list) -> None:
    lines = {row.pk: row.journal_lines() for row in rows}
    LedgerEntry.objects.bulk_create([e for row in rows for e in _entries(row, lines[row.pk])])
    totals_apply(add=totals_entries([line for row_lines in lines.values() for line in row_lines]))
    years_apply(add=[entry for row in rows if (entry := row.books_entry())])
    paid = [r for r in rows if r.IS_GIFT and r.is_paid]
    if paid:
        donors_count(paid=paid)


# What the public pages read.


def fund_raised() -> dict[int | None, Decimal]:
    """Each fund's money in (prisoner id; None: the general fund). One small query."""
    rows = FundTotal.objects.values_list("prisoner", "received", "refunded", "corrected")
    return {fund: received - refunded + corrected for fund, received, refunded, corrected in rows}


def raised_total() -> Decimal:
    row = FundTotal.objects.aggregate(
        raised=Sum(F("received") - F("refunded") + F("corrected"), default=ZERO)
    )
    return row["raised"]


def donors_total() -> int:
    return (
        CampaignTotal.objects.filter(pk=CampaignTotal.ROW).values_list("donors", flat=True).first()
        or 0
    )


def books_first_year() -> int | None:
    """The first year with any entry in the books; None before the first. One small query."""
    return YearTotal.objects.filter(entries__gt=0).aggregate(first=Min("year"))["first"]


def books_version(*, until_year: int) -> int:
    """Moves with every change to the books dated in `until_year` or before, and with no other
    (versions only ever grow). One small query."""
    row = YearTotal.objects.filter(year__lte=until_year).aggregate(version=Sum("version"))
    return row["version"] or 0
