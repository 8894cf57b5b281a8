"""Anyone can type anyone's email address into the form. Until the owner of that address
signs from the link sent to it, nothing joins their page, no donor record is made or changed,
and all they see is one email that says nothing happens unless they sign."""

import pytest

from agreements.models import PeriodicGiftAgreement
from donors.models import Donor
from tests.agreements.conftest import form_data, link_in
from tests.donor_pages import open_page

VICTIM = "ana@example.org"
# What someone who knows only Ana's address types in her name.
STRANGER = {"given_names": "Visit https", "surname": "spam.example", "email": VICTIM}


@pytest.fixture
def ana(anbi):
    return Donor.objects.create(email=VICTIM, name="", language="en")


def _page(client, donor) -> str:
    open_page(client, donor)
    return client.get("/en/my-gifts/page/").content.decode()


def test_it_attaches_nothing_to_the_owners_page_until_she_signs(client, ana, mailoutbox, commit):
    with commit(execute=True):
        response = client.post("/en/periodic-gift/", form_data(**STRANGER))
    assert response.status_code == 302
    draft = PeriodicGiftAgreement.objects.get()
    assert draft.donor is None and draft.email == VICTIM
    # No donor record named by the stranger, no name given to Ana's record.
    assert list(Donor.objects.values_list("email", "name")) == [(VICTIM, "")]
    assert draft.number not in _page(client, ana)
    export = client.get("/en/my-gifts/page/my-data.json").json()
    assert export["periodic_gift_agreements"] == []

    # One email, with nothing the stranger typed in it, saying nothing happens unless she signs.
    [message] = mailoutbox
    assert message.to == [VICTIM]
    assert "spam.example" not in message.body and "Visit" not in message.body
    assert "nothing happens unless you sign" in " ".join(message.body.split())

    # A mail scanner (or Ana, curious) opens the link: still nothing on her page.
    link = link_in(message)
    assert client.get(link).status_code == 200
    assert client.get(link + "agreement.pdf").status_code == 200
    draft.refresh_from_db()
    assert draft.donor is None
    assert draft.number not in _page(client, ana)

    # Only her signature, from the link in her own mailbox, makes it hers.
    client.post(link, {"document_sha256": draft.terms_pdf_sha256})
    draft.refresh_from_db()
    assert draft.status == PeriodicGiftAgreement.Status.DONOR_SIGNED
    assert draft.donor == ana
    assert draft.number in _page(client, ana)


def test_it_answers_the_same_whoever_owns_the_address(client, ana, mailoutbox):
    """Known donor or not, the same answer and the same work: the form tells nobody who gave."""
    known = client.post("/en/periodic-gift/", form_data(email=VICTIM))
    unknown = client.post("/en/periodic-gift/", form_data(email="nobody@example.org"))
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    pages = [client.get(r["Location"]).content.decode() for r in (known, unknown)]
    assert pages[0] == pages[1]
    assert not Donor.objects.filter(email="nobody@example.org").exists()
    assert PeriodicGiftAgreement.objects.filter(donor__isnull=False).count() == 0


def test_it_mails_one_address_once_a_day_from_any_connection(client, ana, mailoutbox, commit):
    """Many connections, one victim: the address's own limit holds, and the answer is the
    same page, so the limit says nothing about what was asked before."""
    answers = []
    for n in range(4):
        with commit(execute=True):
            response = client.post(
                "/en/periodic-gift/", form_data(email=VICTIM), REMOTE_ADDR=f"198.51.100.{n}"
            )
        answers.append((response.status_code, response["Location"]))
    assert answers == [(302, "/en/periodic-gift/check-your-email/")] * 4
    assert PeriodicGiftAgreement.objects.count() == 1
    assert [m.to for m in mailoutbox] == [[VICTIM]]
    # Another address is not held back by Ana's limit.
    with commit(execute=True):
        client.post("/en/periodic-gift/", form_data(email="bea@example.org"))
    assert mailoutbox[-1].to == ["bea@example.org"]
