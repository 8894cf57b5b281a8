"""The prisoners' cards on the home page, each kept in the shared cache.

A gift for one prisoner changes the content version, so the home page is made again
(crowdfund/page_cache.py). With the cards kept apart, making it again renders that one
prisoner's card, not all of them: with 50 prisoners the page costs about what it costs with 7
(`make bench BENCH_ARGS=pages`). A gift to the general fund or an edited news item renders
none.

A card's key holds everything its copy depends on: the prisoner's row version (`updated_at`,
which every save and every bulk update moves, see PrisonerQuerySet.update), the amount
raised, the language, the addresses' prefix, whether its photo loads lazily, and the
templates' source. The template sees only the context built here from that row. Copies expire
with the pages' copies, so a new translation shows as soon as a new page would.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from urllib.parse import quote

from django.conf import settings
from django.core.cache import caches
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from crowdfund.local_copies import LocalCopies
from prisoners.languages import fallback_language
from prisoners.models import Prisoner, Situation

CARD_TEMPLATE = "includes/_prisoner_card.html"
# This process keeps the newest cards too (every card in three languages for 150 prisoners),
# so that a page made again costs no round trip for the cards that did not change.
_local = LocalCopies(450)
# Every template the card's copy depends on: a deploy that changes one makes new keys.
CARD_TEMPLATES = (CARD_TEMPLATE, "includes/_progress.html")


@cache
def _templates_digest() -> str:
    sources = "".join(get_template(name).template.source for name in CARD_TEMPLATES)
    return hashlib.sha256(sources.encode()).hexdigest()[:16]


def _context(prisoner: Prisoner, *, lazy: bool, detail_url, give_url: str, situations) -> dict:
    return {
        "url": detail_url(prisoner.slug),
        "slug": prisoner.slug,
        "name": prisoner.name,
        "photo_url": prisoner.photo.url if prisoner.photo else "",
        "photo_alt": prisoner.photo_alt,
        "situation": situations[prisoner.situation],
        "summary": prisoner.summary,
        "summary_lang": fallback_language(prisoner, "summary"),
        "raised": prisoner.raised,
        "goal": prisoner.goal,
        # The first card's photo is in view at once; the others load as the visitor scrolls.
        "lazy": lazy,
        "give_url": f"{give_url}?prisoner={quote(prisoner.slug)}",
    }


@dataclass(frozen=True)
class CardRow:
    """What a card's key needs, read without making a model (prisoners/selectors.py)."""

    pk: int
    updated_at: datetime
    raised: Decimal


# What a card shows; read only for the cards that are not kept.
CARD_FIELDS = ("name", "slug", "summary", "photo", "photo_alt", "situation", "goal")


def prisoner_cards(rows: list[CardRow]) -> SafeString:
    """The cards of the prisoners in `rows`, in order, as one block of HTML.

    One round trip to the shared cache for all of them. Only the cards it does not have cost
    a query (one for all of them), a render, and a round trip to keep them.
    """
    donate_url = reverse("giving:donate")
    language = get_language() or settings.LANGUAGE_CODE
    prefix = f"card:{_templates_digest()}:{language}:{donate_url}"
    keys = [
        f"{prefix}:{row.pk}:{row.updated_at.timestamp()}:{row.raised}:{index > 0}"
        for index, row in enumerate(rows)
    ]
    seconds = settings.CARD_CACHE_SECONDS
    kept = _kept(keys) if seconds else {}
    missing = [(key, rows[index], index > 0) for index, key in enumerate(keys) if key not in kept]
    if missing:
        made = _render(missing, donate_url)
        if seconds:
            caches["pages"].set_many(made, timeout=seconds)
            _local.set_many(made)
        kept.update(made)
    # Each part is a rendered template (escaped by it), read back from our own cache.
    return mark_safe("".join(kept[key] for key in keys))  # noqa: S308


def forget_local() -> None:
    _local.clear()


def _kept(keys: list[str]) -> dict[str, str]:
    """This process's copies first, then one round trip for the rest."""
    kept = _local.get_many(keys)
    rest = [key for key in keys if key not in kept]
    if rest:
        shared = caches["pages"].get_many(rest)
        _local.set_many(shared)
        kept.update(shared)
    return kept


def _render(missing: list[tuple[str, CardRow, bool]], donate_url: str) -> dict[str, str]:
    pks = [row.pk for _key, row, _lazy in missing]
    prisoners = Prisoner.objects.filter(pk__in=pks).only(*CARD_FIELDS).in_bulk()
    detail_url = Prisoner.url_maker()
    # Once for the list: get_situation_display() builds its table again on every call.
    situations = {value: str(label) for value, label in Situation.choices}
    made = {}
    for key, row, lazy in missing:
        prisoner = prisoners[row.pk]
        prisoner.raised = row.raised
        context = _context(
            prisoner, lazy=lazy, detail_url=detail_url, give_url=donate_url, situations=situations
        )
        made[key] = render_to_string(CARD_TEMPLATE, {"card": context})
    return made
