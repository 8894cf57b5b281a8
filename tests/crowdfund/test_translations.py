import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from tests.conftest import skip_or_fail

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


def test_it_has_a_translation_for_every_string_in_the_code(tmp_path):
    """Extract the strings afresh from a copy of the sources: a string added to the code but
    never put in the catalogs (`make messages`) fails here, not on a visitor's screen."""
    if not shutil.which("xgettext"):
        skip_or_fail("needs GNU gettext (xgettext) to extract the strings", "REQUIRE_GETTEXT")
    root = LOCALE.parent
    # Every app (a folder with an apps.py), the project package, the templates and catalogs.
    folders = [p.name for p in root.iterdir() if (p / "apps.py").exists() or p.name == "crowdfund"]
    for name in [*folders, "templates", "locale"]:
        shutil.copytree(root / name, tmp_path / name, ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(root / "manage.py", tmp_path / "manage.py")
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": "sqlite:///unused.sqlite3"}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--no-obsolete", "-l", "nl", "-l", "es"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
    )
    for lang in ("nl", "es"):
        po = polib.pofile(str(tmp_path / "locale" / lang / "LC_MESSAGES" / "django.po"))
        missing = [e.msgid for e in po.untranslated_entries() + po.fuzzy_entries()]
        assert missing == [], f"run `make messages` and translate these ({lang})"
