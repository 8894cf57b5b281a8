"""An MT940 file as fields and the lines the banks write around them.

No money is in the lines around the fields, but each is one the banks publish, in its place:
- SWIFT's FIN envelope (SNS, ASN, RegioBank, ING): `{1:…}{2:…}{3:…}{4:` before a message's
  fields, `-}` after them, and `{5:…}` after that. A message opened with `{4:` must close
  with `-}`; a file that ends inside one is cut off.
- ABN AMRO: `ABNANL2A`, `940`, `ABNANL2A` before each message, `-` after it.
- ING's older exports: `0000 01INGBNL2AXXXX00001` (twice) and `940 00` before, `-XXX` after.
- Rabobank: `:940:` before each message, with nothing after it.
Any other line outside a field is refused with its number, and a message type other than
940 (an MT942 intraday report) is named as such.

The mt-940 library has no reader for these: it splits a file on `:20:` and lets whatever
stands between messages run into the field before it, which is how a `-}{5:}` line became
"this line belongs to no field". The fields themselves are still read by the library.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from statements.parsing import StatementError

TAG = re.compile(r":(\d\d[A-Z]?|NS):", re.ASCII)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
END = "end"  # the tag of the pseudo-field a message's trailer gives

# Block 1 is fixed: application, service, the logical terminal and session and sequence
# numbers. Block 2 names the message type; blocks 3 and 5 hold {tag:value} sub-blocks.
FIN = re.compile(
    r"(?P<end>-\}(?:\{5:(?:\{[^{}]*\})*\})?)?"
    r"(?P<start>\{1:[A-Z]\d\d[A-Z0-9]{12}\d{10}\}"
    r"(?:\{2:[IO](?P<type>\d{3})[A-Z0-9]*\})?"
    r"(?:\{3:(?:\{[^{}]*\})*\})?"
    r"\{4:)?",
    re.ASCII,
)
TRAILER_BLOCK = re.compile(r"\{5:(?:\{[^{}]*\})*\}", re.ASCII)
PLAIN_TRAILERS = {"-", "-XXX"}  # most banks; ING's older exports
ING_HEADER = re.compile(r"\d{4} \d{2}[A-Z0-9]{12}\d{5}", re.ASCII)  # 0000 01INGBNL2AXXXX00001
MESSAGE_TYPE = re.compile(r"(\d{3})(?: \d{2})?", re.ASCII)  # ABN AMRO's 940, ING's 940 00
BIC = re.compile(r"[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?", re.ASCII)  # ABN AMRO's ABNANL2A
RABOBANK_HEADER = ":940:"


@dataclass(slots=True)
class Field:
    tag: str
    first: str
    line: int
    more: list[str] = field(default_factory=list)

    @property
    def value(self) -> str:
        return "\n".join([self.first, *self.more])


def _lines(text: str) -> Iterator[tuple[int, str]]:
    start, number = 0, 1
    while start <= len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        yield number, text[start:end]
        number, start = number + 1, end + 1


class _Envelope:
    """Which envelope lines may come next: between messages, or after a message's fields."""

    def __init__(self, error: Callable[[str, int | None], StatementError]):
        self.error = error
        self.between = True  # no field since the file's start or the last trailer
        self.fin_open: int | None = None  # the line of the {4: whose -} is still to come
        self.after_fin_end = False  # a lone {5:…} may follow -}

    def is_trailer(self, text: str) -> bool:
        """A message's end; Rabobank's header ends the message before it, which has no trailer."""
        match = FIN.fullmatch(text)
        return text in PLAIN_TRAILERS or text == RABOBANK_HEADER or bool(match and match["end"])

    def opens_field(self) -> None:
        self.between, self.after_fin_end = False, False

    def trailer(self, text: str, number: int) -> None:
        """The end of a message's fields, and perhaps the next message's envelope."""
        if text == RABOBANK_HEADER:
            self.between = True
            self.header(text, number)
            return
        fin = FIN.fullmatch(text)
        if fin and fin["end"]:
            if self.fin_open is None:
                raise self.error(
                    _("this line closes a SWIFT message (-}) that was never opened with {4:"),
                    number,
                )
            self.fin_open = None
            self.between, self.after_fin_end = True, not fin["start"]
            if fin["start"]:
                self.open_fin(fin, number)
            return
        if self.fin_open is not None:
            raise self.error(
                _("the SWIFT message opened at line %(start)d must end with -}, not %(text)s")
                % {"start": self.fin_open, "text": text},
                number,
            )
        self.between = True

    def header(self, text: str, number: int) -> None:
        """A line before a message's first field: one of the banks' headers, or refused."""
        fin = FIN.fullmatch(text)
        if fin and fin["start"] and not fin["end"]:
            if self.fin_open is not None:
                raise self.error(
                    _("the SWIFT message opened at line %(start)d holds no statement")
                    % {"start": self.fin_open},
                    number,
                )
            self.open_fin(fin, number)
            return
        if self.after_fin_end and TRAILER_BLOCK.fullmatch(text):
            self.after_fin_end = False
            return
        kind = MESSAGE_TYPE.fullmatch(text)
        if kind:
            self.check_type(kind[1], number)
            return
        if ING_HEADER.fullmatch(text) or BIC.fullmatch(text):
            return
        if text == RABOBANK_HEADER and self.fin_open is None:
            return
        raise self.error(_("this line is not part of an MT940 statement"), number)

    def open_fin(self, fin: re.Match, number: int) -> None:
        if fin["type"]:
            self.check_type(fin["type"], number)
        self.fin_open = number

    def check_type(self, kind: str, number: int) -> None:
        if kind != "940":
            raise self.error(
                _(
                    "this is a SWIFT MT%(type)s message, not an MT940 statement; export the "
                    "statement (MT940) instead"
                )
                % {"type": kind},
                number,
            )

    def finish(self) -> None:
        if self.fin_open is not None:
            raise self.error(
                _(
                    "the SWIFT message opened at line %(start)d does not end with -}; "
                    "the file seems cut off"
                )
                % {"start": self.fin_open},
                self.fin_open,
            )


def fields(text: str, error: Callable[[str, int | None], StatementError]) -> Iterator[Field]:
    """Tag lines with their continuation lines; a message's trailer gives a field tagged END.

    Blank lines are dropped. Between messages only envelope lines may stand.
    """
    envelope = _Envelope(error)
    current: Field | None = None
    for number, raw in _lines(text):
        if CONTROL.search(raw):
            raise error(
                _("the line holds control characters; is this really an MT940 text file?"),
                number,
            )
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped:
            continue
        tag = TAG.match(line)
        if tag:
            if current:
                yield current
            envelope.opens_field()
            current = Field(tag.group(1), line[tag.end() :], number)
        elif envelope.between:
            envelope.header(stripped, number)
        elif envelope.is_trailer(stripped):
            if current:
                yield current
            current = None
            envelope.trailer(stripped, number)
            yield Field(END, "", number)
        elif current:  # always, since a field opened the message
            current.more.append(line)
    if current:
        yield current
    envelope.finish()
