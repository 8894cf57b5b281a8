"""The public report is built by one worker at a time, and follows a busy site at most a
minute behind (reports/public_file.py)."""

import logging

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from reports import public_file
from reports.public_file import public_report_file
from tests.prisoners.test_photo_serving import _jpeg

BUILT = "Built public-"


@pytest.fixture(autouse=True)
def _reports_in_tmp(settings, tmp_path):
    settings.REPORT_CACHE_DIR = tmp_path / "reports"


@pytest.fixture
def builds(caplog):
    caplog.set_level(logging.INFO, logger="reports.public_file")
    return lambda: sum(r.getMessage().startswith(BUILT) for r in caplog.records)


def _read(name: str) -> bytes:
    with storages["reports"].open(name) as built:
        return built.read()


def test_it_builds_each_version_once_and_releases_the_lock(campaign, builds):
    assert public_report_file("en", "v1") == "public-en-v1.pdf"
    assert public_report_file("en", "v1") == "public-en-v1.pdf"
    assert builds() == 1
    assert _read("public-en-v1.pdf").startswith(b"%PDF")
    assert cache.get("report-build:public-en") is None


def test_it_gives_the_newest_report_for_a_minute_after_a_change(campaign, builds, monkeypatch):
    public_report_file("en", "v1")
    # A gift changed the content: within the minute, the report of a moment ago.
    assert public_report_file("en", "v2") == "public-en-v1.pdf"
    assert builds() == 1
    # Another language has its own report.
    assert public_report_file("nl", "v2") == "public-nl-v2.pdf"
    # A minute on, the next request builds the current one.
    built_at = public_file.time.time()
    monkeypatch.setattr(public_file.time, "time", lambda: built_at + 61)
    assert public_report_file("en", "v3") == "public-en-v3.pdf"
    assert builds() == 3


def test_it_gives_the_newest_report_while_another_worker_builds_the_next(
    campaign, builds, monkeypatch
):
    public_report_file("en", "v1")
    monkeypatch.setattr(public_file, "REPORT_REBUILD_AFTER", 0)
    cache.add("report-build:public-en", "public-en-v2.pdf")  # another worker started this build
    assert public_report_file("en", "v2") == "public-en-v1.pdf"
    assert builds() == 1


def test_it_waits_for_the_first_build_another_worker_holds_the_lock_for(
    campaign, builds, monkeypatch
):
    cache.add("report-build:public-en", "public-en-v1.pdf")

    def the_other_worker_finishes(seconds):
        storages["reports"].save("public-en-v1.pdf", ContentFile(b"%PDF built elsewhere"))

    monkeypatch.setattr(public_file.time, "sleep", the_other_worker_finishes)
    assert public_report_file("en", "v1") == "public-en-v1.pdf"
    assert builds() == 0
    assert _read("public-en-v1.pdf") == b"%PDF built elsewhere"


def test_it_builds_the_report_itself_when_the_lock_holder_never_finishes(
    campaign, builds, monkeypatch
):
    cache.add("report-build:public-en", "public-en-v1.pdf")
    clock = iter(range(0, 10_000, 30))
    monkeypatch.setattr(public_file.time, "monotonic", lambda: next(clock))
    monkeypatch.setattr(public_file.time, "sleep", lambda seconds: None)
    name = public_report_file("en", "v1")
    assert builds() == 1
    assert _read(name).startswith(b"%PDF")


def test_it_removes_old_versions_only_once_they_are_a_while_old(campaign, monkeypatch):
    storage = storages["reports"]
    storage.save("public-en-old.pdf", ContentFile(b"%PDF old"))
    storage.save("public-nl-old.pdf", ContentFile(b"%PDF other language"))
    public_report_file("en", "v1")
    assert storage.exists("public-en-old.pdf")  # fresh: another worker may still serve it
    monkeypatch.setattr(public_file, "REPORT_KEEP_OLD_SECONDS", -1)
    monkeypatch.setattr(public_file, "REPORT_REBUILD_AFTER", 0)
    public_report_file("en", "v2")
    assert not storage.exists("public-en-old.pdf") and not storage.exists("public-en-v1.pdf")
    assert storage.exists("public-nl-old.pdf") and storage.exists("public-en-v2.pdf")


def test_it_builds_the_report_without_a_photo_whose_file_is_gone(campaign, make_prisoner):
    ana = make_prisoner(slug="ana", photo_alt_es="Ana")
    ana.photo = SimpleUploadedFile("ana.jpg", _jpeg(), content_type="image/jpeg")
    ana.save()
    ana.photo.storage.delete(ana.photo.name)
    assert _read(public_report_file("en", "v1")).startswith(b"%PDF")
