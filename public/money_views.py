"""The public pages about the money: how it is used, where it went, and the public report."""

from django.core.files.storage import storages
from django.http import FileResponse
from django.shortcuts import render
from django.utils.http import http_date
from django.utils.translation import get_language
from django.views.decorators.http import condition, require_safe

from ledger.selectors import categories_by_purpose
from ledger.transparency import PURPOSES, money_flow
from prisoners.selectors import campaign_get
from reports.pdf import public_report_version
from reports.public_file import public_report_file


def _public_report_etag(request) -> str:
    # The file to serve names its content version: the ETag. Kept on the request for the view.
    language = get_language()
    request.report_name = public_report_file(language, public_report_version(language))
    return request.report_name


@require_safe
@condition(etag_func=_public_report_etag)
def public_report(request):
    """The public PDF, built once per content version and then served from its storage."""
    name, storage = request.report_name, storages["reports"]
    response = FileResponse(
        storage.open(name, "rb"),
        content_type="application/pdf",
        filename=f"report-{get_language()}.pdf",
    )
    response["Last-Modified"] = http_date(storage.get_modified_time(name).timestamp())
    # Browsers may keep it briefly, then revalidate with the ETag (a 304 costs no PDF).
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_safe
def transparency(request):
    return render(
        request,
        "public/transparency.html",
        {"campaign": campaign_get(), "flow": money_flow(), "purposes": PURPOSES},
    )


@require_safe
def money_use(request):
    return render(
        request,
        "public/money_use.html",
        {"campaign": campaign_get(), "purposes": categories_by_purpose()},
    )
