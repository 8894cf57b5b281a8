"""The admin in the staff member's language, Django's own words included.

Django looks a string its Dutch catalog lacks up in settings.LANGUAGE_CODE's catalog, which is
Spanish here: the Dutch admin's screen-reader table headers read "Nombre del modelo".
"""

from pathlib import Path

import django
import polib
import pytest
from django.apps import apps
from django.utils.translation import trans_real

DJANGO = Path(django.__file__).resolve().parent


@pytest.mark.parametrize(
    ("accept_language", "headers", "others"),
    [
        ("nl-NL,nl;q=0.9", ["Modelnaam", "Link toevoegen"], ["Nombre del modelo", "Model name"]),
        ("es-CL,es;q=0.9", ["Nombre del modelo", "Añadir vínculo"], ["Modelnaam", "Model name"]),
        ("en-GB,en;q=0.9", ["Model name", "Add link"], ["Modelnaam", "Nombre del modelo"]),
    ],
)
def test_it_gives_the_app_tables_screen_reader_headers_in_the_admins_language(
    client, treasurer, campaign, accept_language, headers, others
):
    client.force_login(treasurer)
    html = client.get("/admin/", HTTP_ACCEPT_LANGUAGE=accept_language).content.decode()
    for header in headers:
        assert f'<th scope="col">{header}</th>' in html
    for other in others:
        assert other not in html


def _djangos_spanish_catalogs() -> list[Path]:
    """Django's own catalogs: its core and each of its apps the site installs."""
    folders = [DJANGO / "conf"] + [
        Path(config.path) for config in apps.get_app_configs() if config.name.startswith("django.")
    ]
    files = [folder / "locale" / "es" / "LC_MESSAGES" / "django.mo" for folder in folders]
    return [file for file in files if file.exists()]


def test_it_has_dutch_for_every_string_django_has_spanish_for():
    dutch = trans_real.translation("nl")._catalog
    falls_back = []
    for file in _djangos_spanish_catalogs():
        for entry in polib.mofile(str(file)):
            msgid = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
            key = (msgid, 0) if entry.msgid_plural else msgid
            if entry.msgid and key not in dutch:
                falls_back.append(entry.msgid)
    assert falls_back == [], "give these Dutch in crowdfund/django_dutch.py (see there)"
