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
from functools import cache
from urllib.parse import quote

from django.conf import settings
from django.core.cache import caches
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from prisoners.languages import fallback_language
from prisoners.models import Prisoner, Situation

CARD_TEMPLATE = "includes/_prisoner_card.html"
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


def prisoner_cards(prisoners: list[Prisoner]) -> SafeString:
    """The cards of `prisoners` (each with `raised`), in order, as one block of HTML.

    One round trip to the shared cache for all of them, and one more to keep the cards it
    did not have; only those are built and rendered.
    """
    donate_url = reverse("donations:donate")
    language = get_language() or settings.LANGUAGE_CODE
    prefix = f"card:{_templates_digest()}:{language}:{donate_url}"
    keys = [
        f"{prefix}:{p.pk}:{p.updated_at.timestamp()}:{p.raised}:{index > 0}"
        for index, p in enumerate(prisoners)
    ]
    seconds, store = settings.CARD_CACHE_SECONDS, caches["pages"]
    kept = store.get_many(keys) if seconds else {}
    missing = [(key, index) for index, key in enumerate(keys) if key not in kept]
    if missing:
        detail_url = Prisoner.url_maker()
        # Once for the list: get_situation_display() builds its table again on every call.
        situations = {value: str(label) for value, label in Situation.choices}
        made = {
            key: render_to_string(
                CARD_TEMPLATE,
                {
                    "card": _context(
                        prisoners[index],
                        lazy=index > 0,
                        detail_url=detail_url,
                        give_url=donate_url,
                        situations=situations,
                    )
                },
            )
            for key, index in missing
        }
        if seconds:
            store.set_many(made, timeout=seconds)
        kept.update(made)
    # Each part is a rendered template (escaped by it), read back from our own cache.
    return mark_safe("".join(kept[key] for key in keys))  # noqa: S308
