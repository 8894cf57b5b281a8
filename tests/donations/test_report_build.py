"""The public report is built once per version, whichever worker or app server asks first."""

import logging

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from donations.reports import pdf as report_pdf
from tests.prisoners.test_photo_serving import _jpeg

BUILT = "Built the public report"


@pytest.fixture(autouse=True)
def _reports_in_tmp(settings, tmp_path):
    settings.REPORT_CACHE_DIR = tmp_path / "reports"


def _builds(caplog) -> int:
    return sum(r.getMessage().startswith(BUILT) for r in caplog.records)


def test_it_waits_for_the_build_another_worker_holds_the_lock_for(campaign, caplog, monkeypatch):
    name = "public-en-v1.pdf"
    cache.add(f"report-build:{name}", "building")  # another worker started this build
    storage = storages["reports"]

    def the_other_worker_finishes(seconds):
        storage.save(name, ContentFile(b"%PDF built elsewhere"))

    monkeypatch.setattr(report_pdf.time, "sleep", the_other_worker_finishes)
    with caplog.at_level(logging.INFO, logger="donations.reports.pdf"):
        assert report_pdf.public_report_file("en", "v1") == name
    assert _builds(caplog) == 0
    with storage.open(name) as built:
        assert built.read() == b"%PDF built elsewhere"


def test_it_builds_the_report_itself_when_the_lock_holder_never_finishes(
    campaign, caplog, monkeypatch
):
    cache.add("report-build:public-en-v1.pdf", "building")
    clock = iter(range(0, 10_000, 30))
    monkeypatch.setattr(report_pdf.time, "monotonic", lambda: next(clock))
    monkeypatch.setattr(report_pdf.time, "sleep", lambda seconds: None)
    with caplog.at_level(logging.INFO, logger="donations.reports.pdf"):
        name = report_pdf.public_report_file("en", "v1")
    assert _builds(caplog) == 1
    with storages["reports"].open(name) as built:
        assert built.read().startswith(b"%PDF")


def test_it_releases_the_lock_after_building(campaign):
    report_pdf.public_report_file("en", "v1")
    assert cache.get("report-build:public-en-v1.pdf") is None


def test_it_removes_old_versions_only_once_they_are_a_while_old(campaign, monkeypatch):
    storage = storages["reports"]
    storage.save("public-en-old.pdf", ContentFile(b"%PDF old"))
    storage.save("public-nl-old.pdf", ContentFile(b"%PDF other language"))
    report_pdf.public_report_file("en", "v1")
    assert storage.exists("public-en-old.pdf")  # fresh: another worker may still serve it
    monkeypatch.setattr(report_pdf, "REPORT_KEEP_OLD_SECONDS", -1)
    report_pdf.public_report_file("en", "v2")
    assert not storage.exists("public-en-old.pdf") and not storage.exists("public-en-v1.pdf")
    assert storage.exists("public-nl-old.pdf") and storage.exists("public-en-v2.pdf")


def test_it_builds_the_report_without_a_photo_whose_file_is_gone(campaign, make_prisoner):
    ana = make_prisoner(slug="ana", photo_alt_es="Ana")
    ana.photo = SimpleUploadedFile("ana.jpg", _jpeg(), content_type="image/jpeg")
    ana.save()
    ana.photo.storage.delete(ana.photo.name)
    name = report_pdf.public_report_file("en", "v1")
    with storages["reports"].open(name) as built:
        assert built.read().startswith(b"%PDF")
