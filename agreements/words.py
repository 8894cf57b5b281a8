"""A euro amount in words, as the agreement writes it next to the figures.

Written here rather than taken from a package: the one mainstream package we tried wrote
"tweeduizendéén", "un millón euros" and "nul cent", which do not belong in a contract.
Amounts go up to the ledger's ceiling (9,999,999.99).
"""

from __future__ import annotations

from decimal import Decimal

from crowdfund.money import to_amount

EN_SMALL = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
EN_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _en_below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    words = [f"{EN_SMALL[hundreds]} hundred"] if hundreds else []
    if rest:
        if hundreds:
            words.append("and")
        tens, units = divmod(rest, 10)
        if rest < 20:
            words.append(EN_SMALL[rest])
        else:
            words.append(EN_TENS[tens] + (f"-{EN_SMALL[units]}" if units else ""))
    return " ".join(words)


def _en(n: int) -> str:
    if n == 0:
        return "zero"
    millions, rest = divmod(n, 1_000_000)
    thousands, units = divmod(rest, 1000)
    words = []
    if millions:
        words.append(f"{_en_below_thousand(millions)} million")
    if thousands:
        words.append(f"{_en_below_thousand(thousands)} thousand")
    if units:
        # British usage: "two thousand and five".
        if words and units < 100:
            words.append("and")
        words.append(_en_below_thousand(units))
    return " ".join(words)


NL_SMALL = [
    "nul",
    "een",
    "twee",
    "drie",
    "vier",
    "vijf",
    "zes",
    "zeven",
    "acht",
    "negen",
    "tien",
    "elf",
    "twaalf",
    "dertien",
    "veertien",
    "vijftien",
    "zestien",
    "zeventien",
    "achttien",
    "negentien",
]
NL_TENS = [
    "_",
    "_",
    "twintig",
    "dertig",
    "veertig",
    "vijftig",
    "zestig",
    "zeventig",
    "tachtig",
    "negentig",
]


def _nl_below_hundred(n: int) -> str:
    if n < 20:
        return NL_SMALL[n]
    tens, units = divmod(n, 10)
    if not units:
        return NL_TENS[tens]
    unit = NL_SMALL[units]
    # "tweeëntwintig", "drieëndertig": a diaeresis where two e's would meet.
    joint = "ën" if unit.endswith("e") else "en"
    return f"{unit}{joint}{NL_TENS[tens]}"


def _nl_below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    head = "" if not hundreds else "honderd" if hundreds == 1 else f"{NL_SMALL[hundreds]}honderd"
    return head + (_nl_below_hundred(rest) if rest or not hundreds else "")


def _nl(n: int) -> str:
    # The Taalunie's rule: one word up to a thousand, a space after "duizend" and "miljoen".
    millions, rest = divmod(n, 1_000_000)
    thousands, units = divmod(rest, 1000)
    words = []
    if millions:
        words.append(f"{_nl_below_thousand(millions)} miljoen")
    if thousands:
        words.append("duizend" if thousands == 1 else f"{_nl_below_thousand(thousands)}duizend")
    if units or not words:
        words.append(_nl_below_thousand(units))
    return " ".join(words)


ES_SMALL = [
    "cero",
    "uno",
    "dos",
    "tres",
    "cuatro",
    "cinco",
    "seis",
    "siete",
    "ocho",
    "nueve",
    "diez",
    "once",
    "doce",
    "trece",
    "catorce",
    "quince",
    "dieciséis",
    "diecisiete",
    "dieciocho",
    "diecinueve",
    "veinte",
    "veintiuno",
    "veintidós",
    "veintitrés",
    "veinticuatro",
    "veinticinco",
    "veintiséis",
    "veintisiete",
    "veintiocho",
    "veintinueve",
]
ES_TENS = [
    "_",
    "_",
    "_",
    "treinta",
    "cuarenta",
    "cincuenta",
    "sesenta",
    "setenta",
    "ochenta",
    "noventa",
]
ES_HUNDREDS = [
    "_",
    "ciento",
    "doscientos",
    "trescientos",
    "cuatrocientos",
    "quinientos",
    "seiscientos",
    "setecientos",
    "ochocientos",
    "novecientos",
]


def _es_below_thousand(n: int) -> str:
    if n == 100:
        return "cien"
    hundreds, rest = divmod(n, 100)
    words = [ES_HUNDREDS[hundreds]] if hundreds else []
    if rest < 30:
        if rest or not hundreds:
            words.append(ES_SMALL[rest])
    else:
        tens, units = divmod(rest, 10)
        words.append(ES_TENS[tens] + (f" y {ES_SMALL[units]}" if units else ""))
    return " ".join(words)


def _es_before_noun(words: str) -> str:
    """'uno' shortens before a masculine noun: "veintiún euros", "treinta y un mil"."""
    if words.endswith("veintiuno"):
        return words[: -len("veintiuno")] + "veintiún"
    if words == "uno" or words.endswith(" uno"):
        return words[: -len("uno")] + "un"
    return words


def _es(n: int) -> str:
    millions, rest = divmod(n, 1_000_000)
    thousands, units = divmod(rest, 1000)
    words = []
    if millions:
        words.append(
            "un millón"
            if millions == 1
            else f"{_es_before_noun(_es_below_thousand(millions))} millones"
        )
    if thousands:
        words.append(
            "mil" if thousands == 1 else f"{_es_before_noun(_es_below_thousand(thousands))} mil"
        )
    if units or not words:
        words.append(_es_below_thousand(units))
    return " ".join(words)


def amount_in_words(amount: Decimal, language: str) -> str:
    """ "one thousand two hundred euros and fifty cents", in Spanish, Dutch or English."""
    amount = to_amount(amount)
    if amount < 0:
        raise ValueError("An agreement's amount is never negative")
    euros, cents = divmod(int(amount * 100), 100)
    if language.startswith("nl"):
        # "één" alone, so that it cannot be read as the article "een".
        text = f"{'één' if euros == 1 else _nl(euros)} euro"
        return text + (f" en {'één' if cents == 1 else _nl(cents)} cent" if cents else "")
    if language.startswith("es"):
        whole = _es(euros)
        if euros % 1_000_000 == 0 and euros:
            text = f"{whole} de euros"  # "un millón de euros"
        else:
            text = f"{_es_before_noun(whole)} {'euro' if euros == 1 else 'euros'}"
        if cents:
            text += f" con {_es_before_noun(_es(cents))} {'céntimo' if cents == 1 else 'céntimos'}"
        return text
    text = f"{_en(euros)} {'euro' if euros == 1 else 'euros'}"
    return text + (f" and {_en(cents)} {'cent' if cents == 1 else 'cents'}" if cents else "")
