"""From one transaction as the `mt-940` library reads it to a `ParsedLine`.

The Dutch banks' structured `:86:` fields (`/EREF/`, `/NAME/`, `/REMI/`, `/IBAN/`, Rabobank's
`/CNTP/` …) are split into fields here; the library only knows the German `?20` layout.
Triodos's older exports write that layout with `>` for `?`: a code, then `>20`…`>29` for
the description, cut at any character, `>31` for the other account and `>32`, `>33` for
its holder.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from statements.parsing import ParsedLine

KEYS = (
    "TRTP|IBAN|BIC|NAME|REMI|EREF|MARF|CSID|ORDP|BENM|CNTP|ADDR|PURP|RTRN|ISDT|SVCL|PREF|IREF|"
    "ULTC|ULTD|ULTB|EXCH|CHGS|OCMT|BUSP|CDTRREFTP|CDTRREF|ID"
)
STRUCTURED = re.compile(rf"/({KEYS})/")
# ABN AMRO's older unstructured text: "... NAAM: M. JANSEN OMSCHRIJVING: gift"
NAAM = re.compile(r"NAAM:\s*(.+?)\s*(?:OMSCHRIJVING:|KENMERK:|MACHTIGING:|$)")
IBAN_IN_TEXT = re.compile(r"\b([A-Z]{2}\d{2}[A-Z0-9]{10,30})\b", re.ASCII)
IBAN_ALONE = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", re.ASCII)
# /OCMT/USD50,00/: what the sender paid in another currency
ORIGINAL = re.compile(r"([A-Z]{3})(\d{1,12}),(\d{0,2})", re.ASCII)
SUBFIELDS = re.compile(r"\d{3}>\d\d", re.ASCII)
SUBFIELD = re.compile(r">(\d\d)", re.ASCII)


def _subfields(text: str) -> dict[str, str]:
    """Triodos's `000>10…>20…>31…>32…` layout: description, account and name."""
    joined = text.replace("\n", "")
    parts = SUBFIELD.split(joined)[1:]
    values: dict[str, list[str]] = {}
    for number, value in zip(parts[::2], parts[1::2], strict=True):
        values.setdefault(number, []).append(value)

    def joined_values(*numbers: str) -> str:
        return "".join(v for n in numbers for v in values.get(n, [])).strip()

    description = [str(n) for n in range(20, 30)] + [str(n) for n in range(60, 64)]
    return {
        "REMI": " ".join(joined_values(*description).split()),
        "IBAN": joined_values("31").upper() if IBAN_ALONE.fullmatch(joined_values("31")) else "",
        "NAME": " ".join(joined_values("32", "33").split()),
    }


def parse_details(text: str) -> dict[str, str]:
    """Split a Dutch structured `:86:` text into its fields; unstructured text becomes REMI."""
    if SUBFIELDS.match(text):
        return _subfields(text)
    joined = text.replace("\n", "")
    matches = list(STRUCTURED.finditer(joined))
    if not matches or matches[0].start() != 0:
        # Free text (SNS, ASN, Triodos): a line break separates words; "de Vries" and
        # "DSA3KM" on two lines must not become "VriesDSA3KM", whose reference is unfindable.
        return {"REMI": " ".join(line.strip() for line in text.splitlines()).strip()}
    text = joined  # structured fields are cut at 65 characters, even mid-word
    fields: dict[str, str] = {}
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        value = text[match.end() : end]
        fields.setdefault(match.group(1), value.strip("/").strip())
    remi = fields.get("REMI", "")
    # ING and ABN AMRO: /REMI/USTD//free text/ ; structured creditor references: STRD/CUR/ref
    for prefix in ("USTD//", "USTD/", "STRD/CUR/", "STRD/ISO/"):
        if remi.startswith(prefix):
            remi = remi[len(prefix) :]
    fields["REMI"] = remi.strip("/ ")
    if "CNTP" in fields:  # Rabobank: /CNTP/IBAN/BIC/NAME/CITY/
        parts = fields["CNTP"].split("/") + ["", "", ""]
        fields.setdefault("IBAN", parts[0])
        fields.setdefault("BIC", parts[1])
        fields.setdefault("NAME", parts[2])
    for key in ("ORDP", "BENM"):  # /ORDP//NAME/x/ leaves NAME as its own field already
        fields.pop(key, None)
    return fields


def _plain(value) -> date | None:
    # The library's own Date type carries extra state; a plain date is smaller and simpler.
    return date(value.year, value.month, value.day) if value else None


def _naam(text: str) -> str:
    found = NAAM.search(text)
    return found.group(1).strip() if found else ""


def transaction_line(tx: dict, source_line: int) -> ParsedLine:
    """One `:61:` with its `:86:`, as the library parsed it."""
    status = (tx.get("status") or "").upper()
    details = parse_details(tx.get("transaction_details") or "")
    remittance = details.get("REMI", "")
    # SNS and ASN (de Volksbank) put the counterparty's IBAN in the :61: customer reference
    # and its name on the line below; other banks use that field for their own codes.
    own_reference = (tx.get("customer_reference") or "").strip()
    supplementary = (tx.get("extra_details") or "").strip()
    iban = details.get("IBAN", "")
    name = details.get("NAME") or _naam(remittance)
    if not iban and IBAN_ALONE.fullmatch(own_reference.upper()):
        iban = own_reference.upper()
        name = name or supplementary
    elif own_reference.isdigit() and not supplementary.startswith("/"):
        # Rabobank's old layout: the other account's old number, and its holder after it
        name = name or supplementary
    if not iban:
        found = IBAN_IN_TEXT.search(remittance.upper())
        iban = found.group(1) if found else ""
    reference = (tx.get("bank_reference") or "").strip()
    if reference.upper() == "NONREF":
        reference = ""
    end_to_end = details.get("EREF", "")
    original = ORIGINAL.fullmatch(details.get("OCMT", "").strip("/ "))
    return ParsedLine(
        booking_date=_plain(tx.get("entry_date") or tx["date"]),
        value_date=_plain(tx.get("date")),
        amount=abs(Decimal(tx["amount"].amount)).quantize(Decimal("0.01")),
        # C and RD put money in; D and RC take it out.
        is_credit=status in ("C", "RD"),
        currency=tx.get("currency") or "EUR",
        is_reversal=status.startswith("R"),
        entry_reference=reference,
        end_to_end_id="" if end_to_end.upper() == "NOTPROVIDED" else end_to_end,
        counterparty_name=name,
        counterparty_iban=iban,
        remittance=remittance,
        original_amount=f"{original[1]} {original[2]}.{original[3].ljust(2, '0')}"
        if original
        else "",
        source_line=source_line,
    )
