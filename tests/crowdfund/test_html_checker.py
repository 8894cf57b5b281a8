"""Every page a donor can reach, in Spanish, Dutch and English, and the HTML emails, pass the
W3C Nu Html Checker (vnu.jar, from npm) with no errors.

The pages are served once, by the test client against the demo content, and checked in one
run of the checker (one JVM for some hundred files); each visit then reads its own errors.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.conftest import ROOT, skip_or_fail
from tests.crowdfund.public_pages import VISITS

VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
LANGUAGES = ["es", "nl", "en"]


def _checker_ready() -> None:
    if not VNU_JAR.exists():
        skip_or_fail("the Nu Html Checker is not installed (npm ci)", "REQUIRE_HTML_CHECKER")
    if not shutil.which("java"):
        skip_or_fail(
            "Java is not installed (apt-get install default-jre-headless)", "REQUIRE_HTML_CHECKER"
        )


def check_html(files: list[Path]) -> dict[Path, list[dict]]:
    """The checker's messages about each file (errors and warnings), from one run."""
    result = subprocess.run(  # noqa: S603 - our own files, a fixed command
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--stdout", *map(str, files)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    messages = json.loads(result.stdout)["messages"]
    by_file: dict[Path, list[dict]] = {file: [] for file in files}
    for message in messages:
        by_file[Path(message["url"].removeprefix("file:"))].append(message)
    return by_file


def _is_error(message: dict) -> bool:
    # "non-document-error" is the checker failing to read the file: an error too.
    return message["type"] != "info"


def _describe(label: str, message: dict) -> str:
    return f"{label}:{message.get('lastLine', '?')}: {message['message']}"


@pytest.fixture(scope="session")
def _served_and_checked() -> dict:
    return {}


@pytest.fixture
def checked(_served_and_checked, settings, tmp_path_factory):
    """{visit: [(page label, checker message), …]}, made by the first test that asks."""
    _checker_ready()
    if not _served_and_checked:
        _served_and_checked.update(_serve_and_check(settings, tmp_path_factory.mktemp("vnu")))
    return _served_and_checked


def _serve_and_check(settings, folder: Path) -> dict:
    settings.ROOT_URLCONF = "tests.crowdfund.error_urls"
    # Every way to pay on the donate form; the GETs never reach a provider.
    settings.DEMO_PAYMENTS = True
    settings.MOLLIE_API_KEY = "test_html_checker_only"
    settings.STRIPE_SECRET_KEY = "sk_test_html_checker_only"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_html_checker_only"
    settings.STRIPE_SEPA_DEBIT = True
    call_command("load_demo", verbosity=0)
    labels: dict[Path, tuple[str, str]] = {}
    for name, visit in VISITS.items():
        for lang in LANGUAGES:
            for n, html in enumerate(visit(lang), start=1):
                file = folder / f"{name}-{lang}-{n}.html"
                file.write_text(html, encoding="utf-8")
                labels[file] = (name, file.name)
    results: dict[str, list[tuple[str, dict]]] = {name: [] for name in VISITS}
    for file, messages in check_html(list(labels)).items():
        name, label = labels[file]
        results[name] += [(label, message) for message in messages]
    return results


@pytest.mark.django_db
@pytest.mark.parametrize("visit", VISITS)
def test_it_serves_html_without_errors(checked, visit):
    errors = [_describe(label, m) for label, m in checked[visit] if _is_error(m)]
    assert errors == []


def test_it_finds_an_error_when_there_is_one(tmp_path):
    _checker_ready()
    page = tmp_path / "bad.html"
    page.write_text('<!doctype html><html lang="en"><title>x</title><p><div></div></span>')
    (messages,) = check_html([page]).values()
    assert [m for m in messages if _is_error(m)]
