"""The yearly amount in words, as the agreement writes it next to the figures."""

from decimal import Decimal

import pytest

from agreements.words import amount_in_words

CASES = [
    # amount, English, Dutch, Spanish
    ("1.00", "one euro", "één euro", "un euro"),
    ("21.00", "twenty-one euros", "eenentwintig euro", "veintiún euros"),
    ("22.00", "twenty-two euros", "tweeëntwintig euro", "veintidós euros"),
    ("33.00", "thirty-three euros", "drieëndertig euro", "treinta y tres euros"),
    ("100.00", "one hundred euros", "honderd euro", "cien euros"),
    ("101.00", "one hundred and one euros", "honderdeen euro", "ciento un euros"),
    (
        "250.00",
        "two hundred and fifty euros",
        "tweehonderdvijftig euro",
        "doscientos cincuenta euros",
    ),
    ("1000.00", "one thousand euros", "duizend euro", "mil euros"),
    (
        "1200.50",
        "one thousand two hundred euros and fifty cents",
        "duizend tweehonderd euro en vijftig cent",
        "mil doscientos euros con cincuenta céntimos",
    ),
    ("2001.00", "two thousand and one euros", "tweeduizend een euro", "dos mil un euros"),
    ("21000.00", "twenty-one thousand euros", "eenentwintigduizend euro", "veintiún mil euros"),
    ("500000.00", "five hundred thousand euros", "vijfhonderdduizend euro", "quinientos mil euros"),
    ("1000000.00", "one million euros", "een miljoen euro", "un millón de euros"),
    (
        "2000000.01",
        "two million euros and one cent",
        "twee miljoen euro en één cent",
        "dos millones de euros con un céntimo",
    ),
    (
        "0.99",
        "zero euros and ninety-nine cents",
        "nul euro en negenennegentig cent",
        "cero euros con noventa y nueve céntimos",
    ),
    (
        "9999999.99",
        "nine million nine hundred and ninety-nine thousand nine hundred and ninety-nine euros"
        " and ninety-nine cents",
        "negen miljoen negenhonderdnegenennegentigduizend negenhonderdnegenennegentig euro"
        " en negenennegentig cent",
        "nueve millones novecientos noventa y nueve mil novecientos noventa y nueve euros"
        " con noventa y nueve céntimos",
    ),
]


@pytest.mark.parametrize("amount, en, nl, es", CASES)
def test_it_writes_the_amount_in_three_languages(amount, en, nl, es):
    value = Decimal(amount)
    assert amount_in_words(value, "en") == en
    assert amount_in_words(value, "nl") == nl
    assert amount_in_words(value, "es") == es


def test_it_refuses_a_float_and_a_negative_amount():
    with pytest.raises(TypeError):
        amount_in_words(12.5, "en")
    with pytest.raises(ValueError):
        amount_in_words(Decimal("-1"), "en")
