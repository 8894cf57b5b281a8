"""Finding a payment reference in what a donor typed on their bank transfer."""

from __future__ import annotations

import re

TOKENS = re.compile(r"[A-Z0-9]+")
MAX_PARTS = 4  # "DS A3 KM" is three parts; nobody splits a six-letter code further


def find_reference(text: str, references: set[str]) -> set[str]:
    """The known references that occur in `text`, however the donor spaced or cased them.

    A reference must start at a word boundary: "ds a3km", "DS-A3KM", "Ds.a3km thanks" and
    "giftDSA3KM" do not all count the same way — the last one does not, because it could be the
    tail of another word. It may run into the next word ("DSA3KMgift") when that is the only
    way to read it.
    """
    tokens = TOKENS.findall(text.upper())
    exact: set[str] = set()
    run_on: set[str] = set()
    for start in range(len(tokens)):
        joined = ""
        for part in tokens[start : start + MAX_PARTS]:
            joined += part
            if joined in references:
                exact.add(joined)
        run_on.update(ref for ref in references if tokens[start].startswith(ref))
    return exact or run_on
