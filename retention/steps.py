"""Retention: donors' personal data goes when it has served its purpose; the ledger stays.

Four steps, each with its period in the settings (RETENTION_*):

1. webhook bodies (`PaymentEvent.payload`) are emptied; the event's id, type, outcome and
   detail stay;
2. a gift whose payment never completed loses the donor's details;
3. a donor with no gift for years is anonymised: their gifts, their bank lines, the stored
   bodies of their payments and the audit trail's values for those rows;
4. what an abandoned attempt left besides the gift goes too: a donor record that only
   unfinished attempts ever used, and a periodic-gift agreement never signed
   (`retention_unfinished`).

Only personal fields are touched. Amounts, dates, funds, statuses and provider references
stay, so every total and report is the same to the cent. Each batch is one short
transaction, and every step only picks rows that still hold something to remove, so a second
run finds nothing.
"""

from __future__ import annotations

import secrets
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import Case, CharField, Max, Q, Value, When
from django.db.models.functions import Cast, Concat, Lower, Replace, Trim, Upper
from django.utils import timezone

from donors.models import Donor
from ledger.models import Donation
from payments.models import PaymentEvent
from retention.cleaner import ANONYMISED_DOMAIN, Cleaner, sponsorship_bodies_clear

UNFINISHED = (
    Donation.Status.NEW,
    Donation.Status.FAILED,
    Donation.Status.EXPIRED,
    Donation.Status.CANCELED,
)

# Who a gift's donor is: the address they gave (in any case), else the bank account it came
# from, else the gift alone.
DONOR_KEY = Case(
    When(
        ~Q(donor_email=""),
        then=Concat(Value("email:"), Lower(Trim("donor_email")), output_field=CharField()),
    ),
    When(
        statement_line__counterparty_iban__gt="",
        then=Concat(
            Value("iban:"),
            Upper(Replace("statement_line__counterparty_iban", Value(" "), Value(""))),
            output_field=CharField(),
        ),
    ),
    default=Concat(Value("gift:"), Cast("id", CharField()), output_field=CharField()),
    output_field=CharField(),
)

HAS_PERSONAL_DATA = (
    Q(donor_name__gt="")
    | Q(public_message__gt="")
    | Q(note__gt="")
    | (Q(donor_email__gt="") & ~Q(donor_email__iendswith=f"@{ANONYMISED_DOMAIN}"))
    | Q(statement_line__counterparty_name__gt="")
    | Q(statement_line__counterparty_iban__gt="")
    | Q(statement_line__remittance__gt="")
)

# Reasons to keep a donor's data however old their last gift. Each takes the donor keys about
# to be anonymised and returns those to keep. Empty until donors have their own records: an
# active sponsorship and a running periodic-gift agreement (ANBI, five years) go here.
DonorHold = Callable[[set[str]], set[str]]
DONOR_HOLDS: list[DonorHold] = []

Progress = Callable[[str, int, int], None]

# What is kept about a donor beside their gifts, cleared when the donor is anonymised: their
# monthly gifts' webhook bodies here, documents issued in their name by other apps. Each takes
# the donor records' ids.
DonorCleanup = Callable[[list[int]], object]
DONOR_RECORD_CLEANUPS: list[DonorCleanup] = [sponsorship_bodies_clear]


@dataclass(frozen=True)
class Records:
    """Rows of another app that a step removes once they are older than its cutoff (see
    UNFINISHED_RECORDS and EXPIRED_RECORDS)."""

    label: str
    # The rows to remove, given the cutoff.
    rows: Callable[[datetime], models.QuerySet]
    # Removes these ids (rechecking each); returns how many went.
    remove: Callable[[list[int]], int]


@dataclass
class StepResult:
    name: str
    cutoff: datetime
    # What was (or, in a dry run, would be) changed, per kind of row.
    counts: Counter = field(default_factory=Counter)


@dataclass
class RetentionResult:
    dry_run: bool
    steps: list[StepResult]

    @property
    def changed(self) -> int:
        return sum(sum(step.counts.values()) for step in self.steps)


def retention_apply(
    *, now: datetime | None = None, dry_run: bool = False, progress: Progress | None = None
) -> RetentionResult:
    """Run the five steps; with `dry_run`, count what they would change and write nothing."""
    # Imported here: those modules build on this one's helpers.
    from retention.expired import expired_records_delete
    from retention.unfinished import unfinished_donors_delete

    now = now or timezone.now()
    report = progress or (lambda step, done, total: None)
    return RetentionResult(
        dry_run=dry_run,
        steps=[
            webhook_bodies_shred(now=now, dry_run=dry_run, progress=report),
            unfinished_gifts_clear(now=now, dry_run=dry_run, progress=report),
            donors_anonymise(now=now, dry_run=dry_run, progress=report),
            unfinished_donors_delete(now=now, dry_run=dry_run, progress=report),
            expired_records_delete(now=now, dry_run=dry_run, progress=report),
        ],
    )


def webhook_bodies_shred(*, now: datetime, dry_run: bool, progress: Progress) -> StepResult:
    step = StepResult("webhook bodies", _bodies_cutoff(now))
    old = PaymentEvent.objects.filter(received_at__lt=step.cutoff).exclude(payload="")
    ids = list(old.order_by("id").values_list("id", flat=True))
    for done, batch in _batches(ids):
        if dry_run:
            step.counts["webhook bodies"] += len(batch)
        else:
            # One UPDATE per batch; a webhook arriving meanwhile only writes newer rows.
            cleared = PaymentEvent.objects.filter(id__in=batch).exclude(payload="")
            step.counts["webhook bodies"] += cleared.update(payload="")
        progress(step.name, done, len(ids))
    return step


def unfinished_gifts_clear(*, now: datetime, dry_run: bool, progress: Progress) -> StepResult:
    step = StepResult("unfinished gifts", _unfinished_cutoff(now))
    gifts = Donation.objects.filter(_old_unfinished(now))
    ids = list(gifts.filter(HAS_PERSONAL_DATA).order_by("id").values_list("id", flat=True))
    cleaner = Cleaner(dry_run=dry_run, bodies_cutoff=_bodies_cutoff(now))
    for done, batch in _batches(ids):
        # Never counted in a total, so the address simply goes.
        step.counts += cleaner.clear(batch, email_for=lambda email: "")
        progress(step.name, done, len(ids))
    return step


def donors_anonymise(*, now: datetime, dry_run: bool, progress: Progress) -> StepResult:
    step = StepResult("donors", _years_before(now, settings.RETENTION_DONOR_YEARS))
    # An attempt that never completed is no gift, and step 2 clears it; leaving it out here
    # also makes a dry run count what the real run, after step 2, will find.
    keyed = Donation.objects.order_by().exclude(_old_unfinished(now)).annotate(donor_key=DONOR_KEY)
    last_gift = keyed.values("donor_key").annotate(last=Max("created_at"))
    expired = set(last_gift.filter(last__lt=step.cutoff).values_list("donor_key", flat=True))
    for hold in DONOR_HOLDS:
        expired -= hold(set(expired))
    gifts_by_donor: dict[str, list[int]] = defaultdict(list)
    rows = keyed.filter(HAS_PERSONAL_DATA).values_list("id", "donor_key").distinct()
    for gift_id, key in rows.order_by("id"):
        if key in expired:
            gifts_by_donor[key].append(gift_id)
    # A donor's gifts stay in one batch, so they all get the same made-up address.
    batches = list(_donor_batches(gifts_by_donor.items()))
    total = sum(len(keys) for keys, _ids in batches)
    done = 0
    cleaner = Cleaner(dry_run=dry_run, bodies_cutoff=_bodies_cutoff(now))
    for keys, ids in batches:
        tokens: dict[str, str] = {}

        def email_for(email: str, tokens=tokens) -> str:
            if not email or email.lower().endswith(f"@{ANONYMISED_DOMAIN}"):
                return email
            if email not in tokens:
                tokens[email] = anonymised_email()
            return tokens[email]

        step.counts += cleaner.clear(ids, email_for=email_for)
        step.counts += _donor_records_clear(ids, email_for=email_for, dry_run=dry_run)
        step.counts["donors"] += len(
            {key for key in keys if cleaner.touched & set(gifts_by_donor[key])}
        )
        done += len(keys)
        progress(step.name, done, total)
    return step


def _donor_records_clear(
    gift_ids: list[int], *, email_for: Callable[[str], str], dry_run: bool
) -> Counter:
    """The donor records behind anonymised gifts lose their name and address too, so the
    donor's page and its links stop opening; then DONOR_RECORD_CLEANUPS run."""
    donors = list(
        Donor.objects.filter(donations__id__in=gift_ids)
        .exclude(email__iendswith=f"@{ANONYMISED_DOMAIN}")
        .distinct()
        .order_by("pk")
    )
    if donors and not dry_run:
        with transaction.atomic():
            for donor in donors:
                Donor.objects.filter(pk=donor.pk).update(
                    email=email_for(donor.email), name="", wants_news=False
                )
            for cleanup in DONOR_RECORD_CLEANUPS:
                cleanup([donor.pk for donor in donors])
    return +Counter({"donor records": len(donors)})


def anonymised_email() -> str:
    """A made-up address that points to nobody and can never be mailed (see ANONYMISED_DOMAIN)."""
    return f"donor-{secrets.token_hex(8)}@{ANONYMISED_DOMAIN}"


def gifts_anonymise(*, gift_ids: list[int], email: str, now: datetime | None = None) -> Counter:
    """Clear these gifts now, as step 3 would after the retention period: for a donor who
    asked to be erased. Every address on them becomes `email` (one made-up address), so the
    number of donors stays what it was; amounts, dates and funds stay for the books."""
    cleaner = Cleaner(dry_run=False, bodies_cutoff=_bodies_cutoff(now or timezone.now()))
    counts: Counter = Counter()
    for _done, batch in _batches(sorted(gift_ids)):
        counts += cleaner.clear(batch, email_for=lambda old: old and email)
    return counts


def _bodies_cutoff(now: datetime) -> datetime:
    return now - timedelta(days=settings.RETENTION_WEBHOOK_BODY_DAYS)


def _unfinished_cutoff(now: datetime) -> datetime:
    return now - timedelta(days=settings.RETENTION_UNFINISHED_GIFT_DAYS)


def _old_unfinished(now: datetime) -> Q:
    return Q(status__in=UNFINISHED, created_at__lt=_unfinished_cutoff(now))


def _years_before(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def _batches(ids: list[int]) -> Iterator[tuple[int, list[int]]]:
    size = settings.RETENTION_BATCH_SIZE
    for start in range(0, len(ids), size):
        batch = ids[start : start + size]
        yield start + len(batch), batch


def _donor_batches(groups) -> Iterator[tuple[list[str], list[int]]]:
    keys: list[str] = []
    ids: list[int] = []
    for key, gift_ids in groups:
        keys.append(key)
        ids += gift_ids
        if len(ids) >= settings.RETENTION_BATCH_SIZE:
            yield keys, ids
            keys, ids = [], []
    if keys:
        yield keys, ids
