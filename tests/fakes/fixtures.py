"""The providers' published example payloads (tests/fixtures/), which the fakes build on."""

import copy
import json
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@cache
def _read(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def fixture(name: str) -> dict:
    """A fresh copy of `tests/fixtures/<name>.json`, e.g. `fixture("mollie/refund")`."""
    return copy.deepcopy(_read(name))


def overlay(name: str, /, **values) -> dict:
    """The fixture with some top-level values replaced; refuses keys the fixture lacks."""
    data = fixture(name)
    unknown = set(values) - set(data)
    if unknown:
        # The fake would otherwise answer with fields the provider never sends.
        raise KeyError(f"{name} has no {sorted(unknown)}")
    data.update(values)
    return data


def utc(moment: datetime | None) -> datetime:
    """An aware moment in UTC; now when None."""
    if moment is None:
        return datetime.now(UTC)
    if moment.tzinfo is None:
        raise ValueError("give the fake an aware datetime")
    return moment.astimezone(UTC)
