from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"


@pytest.mark.parametrize("lang", ["es", "nl", "en"])
def test_it_translates_every_interface_string(lang):
    po = polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))
    assert len(po) > 100
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


@pytest.mark.parametrize("lang", ["es", "nl", "en"])
def test_it_ships_compiled_catalogs_that_match_the_sources(lang):
    po = polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))
    mo = polib.mofile(str(LOCALE / lang / "LC_MESSAGES" / "django.mo"))
    compiled = {(e.msgid, e.msgstr or tuple(e.msgstr_plural.values())) for e in mo if e.msgid}
    source = {
        (e.msgid, e.msgstr or tuple(e.msgstr_plural.values())) for e in po.translated_entries()
    }
    assert source == compiled, "run `make messages` to recompile the catalogs"


@pytest.mark.parametrize(
    ("lang", "phrases"),
    [
        ("nl", ["Geven per overschrijving", "Hoe we het geld besteden", "Naar de hoofdinhoud"]),
        ("es", ["Donar por transferencia", "Cómo usamos el dinero", "Saltar al contenido"]),
    ],
)
def test_it_shows_the_interface_in_the_visitors_language(client, campaign, lang, phrases):
    html = client.get(f"/{lang}/bank-transfer/").content.decode()
    for phrase in phrases:
        assert phrase in html
    assert "Give by bank transfer" not in html
