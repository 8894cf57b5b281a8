"""Every page a donor can reach, as the site serves it, in one language.

Each visit opens one kind of page (a form, the same form with its errors, a link's page and
the page of a bad link, a refusal) and returns the responses' HTML. They run in this order
against the demo content; the later ones change what the earlier ones read.
"""

from collections.abc import Callable
from decimal import Decimal

from django.core import mail
from django.test import Client, override_settings

from agreements.links import signing_token
from agreements.services import agreement_create
from demo.donor import DEMO_EMAIL
from donors.models import Donor
from giving.tasks import send_receipt, send_transfer_details
from ledger.models import Donation
from mygifts.access import manage_token
from prisoners.models import Prisoner
from sponsorships.links import sponsorship_token
from sponsorships.models import Sponsorship
from statements.models import ExpectedTransfer
from tests.agreements.conftest import cleaned
from tests.agreements.conftest import form_data as agreement_form
from tests.gifts import form_data as donate_form

Visit = Callable[[str], list[str]]


def _client() -> Client:
    # An error page is a page a donor reaches: served, not raised into the test.
    return Client(raise_request_exception=False)


def _get(path: str, status: int = 200, client: Client | None = None) -> str:
    response = (client or _client()).get(path)
    assert response.status_code == status, (path, response.status_code)
    return response.content.decode()


def _post(path: str, data: dict, status: int, client: Client | None = None) -> str:
    response = (client or _client()).post(path, data)
    assert response.status_code == status, (path, response.status_code)
    return response.content.decode()


def _followed(client: Client, path: str, data: dict) -> str:
    """A form that redirects: the page it leads to."""
    response = client.post(path, data)
    assert response.status_code == 302, (path, response.status_code)
    return _get(response["Location"], client=client)


def _donor_client(lang: str, donor: Donor) -> Client:
    client = _client()
    response = client.get(f"/{lang}/my-gifts/open/{manage_token(donor)}/")
    assert response.status_code == 302
    return client


def _demo_donor() -> Donor:
    return Donor.objects.get(email=DEMO_EMAIL)


def _demo_sponsorship() -> Sponsorship:
    return Sponsorship.objects.get(donor=_demo_donor())


def _demo_gift() -> Donation:
    return Donation.objects.filter(donor__isnull=True, status=Donation.Status.PAID).first()


def _agreement_to_sign():
    """Made once, signed by nobody yet, with a partner who co-signs."""
    from agreements.models import PeriodicGiftAgreement

    waiting = PeriodicGiftAgreement.objects.filter(partner_email="jan@example.org").first()
    return waiting or agreement_create(
        data=cleaned(partner_name="Jan Rojas", partner_email="jan@example.org"),
        language="nl",
        notify=False,
    )


def home(lang):
    return [_get(f"/{lang}/")]


def prisoner(lang):
    return [_get(f"/{lang}/prisoners/{p.slug}/") for p in Prisoner.objects.published()]


def donate(lang):
    return [_get(f"/{lang}/donate/"), _get(f"/{lang}/donate/?prisoner=ana-ejemplo")]


def donate_monthly(lang):
    return [_get(f"/{lang}/donate/?frequency=monthly&amount=15.00")]


def donate_errors(lang):
    data = donate_form("demo", preset="", other_amount="abc", donor_email="x", consent="")
    return [_post(f"/{lang}/donate/", data, 200)]


def demo_checkout(lang):
    client = _client()
    return [_followed(client, f"/{lang}/donate/", donate_form("demo"))]


def thanks(lang):
    """Paid, waiting (and waited long), failed, and a monthly gift's first month."""
    waiting = Donation.objects.filter(status=Donation.Status.OPEN).first()
    failed = Donation.objects.create(
        amount=Decimal("25.00"), method=Donation.Method.IDEAL, status=Donation.Status.FAILED
    )
    return [
        _get(f"/{lang}/donate/thanks/{_demo_gift().public_id}/"),
        _get(f"/{lang}/donate/thanks/{waiting.public_id}/"),
        _get(f"/{lang}/donate/thanks/{waiting.public_id}/?wait=24"),
        _get(f"/{lang}/donate/thanks/{failed.public_id}/"),
        _get(f"/{lang}/donate/thanks/{_demo_sponsorship().first_donation.public_id}/"),
    ]


def bank_transfer(lang):
    return [
        _get(f"/{lang}/bank-transfer/"),
        _get(f"/{lang}/bank-transfer/?prisoner=ana-ejemplo&amount=abc"),
    ]


def bank_transfer_email(lang):
    data = {"amount": "40", "prisoner": "ana-ejemplo", "donor_name": "Jan", "consent": "on"}
    client = _client()
    return [
        _post(f"/{lang}/bank-transfer/email/", {**data, "email": "no"}, 400),
        _followed(client, f"/{lang}/bank-transfer/email/", {**data, "email": "jan@example.org"}),
    ]


def money_use(lang):
    return [_get(f"/{lang}/how-we-use-the-money/")]


def where_the_money_went(lang):
    return [_get(f"/{lang}/where-the-money-went/")]


def anbi(lang):
    return [_get(f"/{lang}/anbi/")]


def privacy(lang):
    return [_get(f"/{lang}/privacy/")]


def periodic_gift(lang):
    return [_get(f"/{lang}/periodic-gift/")]


def periodic_gift_errors(lang):
    return [_post(f"/{lang}/periodic-gift/", agreement_form(email="x", consent=""), 400)]


def periodic_gift_sent(lang):
    return [_followed(_client(), f"/{lang}/periodic-gift/", agreement_form())]


def periodic_gift_signing(lang):
    agreement = _agreement_to_sign()
    return [
        _get(f"/{lang}/periodic-gift/sign/{signing_token(agreement, 'donor')}/"),
        _get(f"/{lang}/periodic-gift/co-sign/{signing_token(agreement, 'partner')}/"),
        _get(f"/{lang}/periodic-gift/sign/not-a-link/", 404),
    ]


def my_gifts_request(lang):
    return [
        _get(f"/{lang}/my-gifts/"),
        _post(f"/{lang}/my-gifts/", {"email": "x"}, 400),
        _post(f"/{lang}/my-gifts/", {"email": DEMO_EMAIL}, 200),
        _get(f"/{lang}/my-gifts/open/not-a-link/", 404),
    ]


def my_gifts_page(lang):
    client = _donor_client(lang, _demo_donor())
    sponsorship = _demo_sponsorship()
    bad_amount = {f"s{sponsorship.pk}-amount": "abc"}
    path = f"/{lang}/my-gifts/page/monthly/{sponsorship.pk}"
    return [
        _get(f"/{lang}/my-gifts/page/", client=client),
        _post(f"{path}/amount/", bad_amount, 400, client=client),
        _get(f"{path}/stop/", client=client),
    ]


def my_gifts_erase(lang):
    donor = Donor.objects.create(email=f"erase-{lang}@example.org", name="Camila", language=lang)
    client = _donor_client(lang, donor)
    return [
        _get(f"/{lang}/my-gifts/page/erase/", client=client),
        _post(f"/{lang}/my-gifts/page/erase/", {}, 200, client=client),
    ]


def sponsorship_cancel(lang):
    path = f"/{lang}/sponsorship/{sponsorship_token(_demo_sponsorship())}/stop/"
    client = _client()
    pages = [_get(path), _get(f"/{lang}/sponsorship/not-a-link/stop/", 404)]
    # The last visit to use the demo sponsorship: the page after stopping it.
    return [*pages, _followed(client, path, {})]


def rate_limited(lang):
    with override_settings(DONATION_RATE_LIMIT_STARTS_PER_IP=0, DONOR_LINK_RATE_LIMIT_PER_IP=0):
        return [
            _post(f"/{lang}/donate/", donate_form("demo"), 429),
            _post(f"/{lang}/periodic-gift/", agreement_form(), 429),
            _post(f"/{lang}/my-gifts/", {"email": DEMO_EMAIL}, 429),
        ]


def error_pages(lang):
    # ROOT_URLCONF is tests.crowdfund.error_urls: the site plus views that fail on purpose.
    return [
        _get(f"/{lang}/prisoners/nobody/", 404),
        _get(f"/{lang}/fail/400/", 400),
        _get(f"/{lang}/fail/403/", 403),
        _get(f"/{lang}/fail/429/", 429),
        _get(f"/{lang}/fail/500/", 500),
    ]


def emails(lang):
    """The HTML of the receipt and of the bank details, in the donor's language."""
    mail.outbox = []
    gift = _demo_gift()
    Donation.objects.filter(pk=gift.pk).update(
        language=lang, donor_email="camila@example.org", receipt_sent_at=None
    )
    send_receipt.call(gift.pk)
    # Sent once the request's transaction commits, which the test's never does: sent here.
    _post(
        f"/{lang}/bank-transfer/email/",
        {"amount": "40", "prisoner": "", "email": "jan@example.org", "consent": "on"},
        302,
    )
    send_transfer_details.call(ExpectedTransfer.objects.latest("pk").pk)
    return [message.alternatives[0][0] for message in mail.outbox]


VISITS: dict[str, Visit] = {
    visit.__name__.replace("_", "-"): visit
    for visit in [
        home,
        prisoner,
        donate,
        donate_monthly,
        donate_errors,
        demo_checkout,
        thanks,
        bank_transfer,
        bank_transfer_email,
        money_use,
        where_the_money_went,
        anbi,
        privacy,
        periodic_gift,
        periodic_gift_errors,
        periodic_gift_sent,
        periodic_gift_signing,
        my_gifts_request,
        my_gifts_page,
        my_gifts_erase,
        sponsorship_cancel,
        rate_limited,
        error_pages,
        emails,
    ]
}
