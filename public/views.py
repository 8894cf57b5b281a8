from django.core.files.storage import storages
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.http import http_date
from django.utils.translation import get_language
from django.views.decorators.http import condition, require_safe

from ledger.selectors import campaign_totals
from messages_of_support.selectors import messages_of_support
from prisoners.selectors import campaign_get
from public import selectors
from public.cards import prisoner_cards
from reports.data import closed_years
from reports.public_file import financial_statements_file, statements_version


@require_safe
def home(request):
    prisoners, shared = selectors.prisoners_for_cards()
    return render(
        request,
        "public/home.html",
        {
            "campaign": campaign_get(),
            "totals": campaign_totals(),
            "monthly": selectors.monthly_pledged(),
            "prisoners": prisoners,
            "cards": prisoner_cards(prisoners),
            "share_prisoner": shared,
        },
    )


@require_safe
def detail(request, slug):
    prisoner = selectors.prisoner_published_get(slug=slug)
    return render(
        request,
        "public/detail.html",
        {
            "campaign": campaign_get(),
            "prisoner": prisoner,
            "messages_of_support": messages_of_support(prisoner=prisoner),
        },
    )


@require_safe
def anbi(request):
    """What the tax office requires an ANBI to publish, with the closed years' accounts."""
    campaign = campaign_get()
    return render(
        request,
        "public/anbi.html",
        {
            "campaign": campaign,
            "board": list(campaign.board_members.all()),
            "statement_years": closed_years(),
        },
    )


def _statements_etag(request, year: int) -> str:
    # Kept on the request: the view serves the file of this version.
    request.statements_version = statements_version(year=year, language=get_language())
    if request.statements_version is None:
        # Only closed years have accounts; the current year is still being written.
        raise Http404("No financial statements for this year.")
    return request.statements_version


@require_safe
@condition(etag_func=_statements_etag)
def financial_statements(request, year: int):
    """A closed year's accounts as PDF, built once per version of the year's books, served from
    storage."""
    language = get_language()
    name = financial_statements_file(
        year=year, language=language, version=request.statements_version
    )
    storage = storages["reports"]
    response = FileResponse(
        storage.open(name, "rb"),
        content_type="application/pdf",
        filename=f"financial-statements-{year}-{language}.pdf",
    )
    response["Last-Modified"] = http_date(storage.get_modified_time(name).timestamp())
    response["Cache-Control"] = "public, max-age=300"
    return response
