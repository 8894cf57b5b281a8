"""Messages of support: reviewed by an editor before they show, signed as the donor chose."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from ledger.models import Donation
from messages_of_support.models import MessageModeration, MessageOfSupport
from messages_of_support.moderation import message_moderate
from messages_of_support.selectors import messages_of_support
from tests.gifts import form_data

WAITING = MessageOfSupport.Status.WAITING
APPROVED = MessageOfSupport.Status.APPROVED
HIDDEN = MessageOfSupport.Status.HIDDEN
QUEUE = reverse("admin:messages_of_support_messageofsupport_changelist")


@pytest.fixture
def prisoner(make_prisoner):
    return make_prisoner(slug="ana", name="Ana Ejemplo")


@pytest.fixture
def make_message(make_donation, prisoner):
    def make(text="¡Fuerza, Ana!", **overrides):
        fields = {
            "prisoner": prisoner,
            "public_message": text,
            "message_is_public": True,
            "donor_name": "Camila Rojas Pérez",
            "donor_email": "camila@example.org",
            "amount": "73.00",
        }
        fields.update(overrides)
        amount = fields.pop("amount")
        return MessageOfSupport.objects.get(donation=make_donation(amount, **fields))

    return make


def _page(client, prisoner) -> str:
    return client.get(f"/en/prisoners/{prisoner.slug}/").content.decode()


def _act(client, action: str, *messages, review: str = ""):
    # The action form posts back to the list as filtered, as the browser does.
    url = QUEUE + (f"?review={review}" if review else "")
    return client.post(
        url, {"action": action, "_selected_action": [m.pk for m in messages]}, follow=True
    )


def test_it_keeps_a_new_message_off_the_page_until_an_editor_approves_it(
    client, campaign, editor, prisoner, make_message
):
    message = make_message()
    assert message.status == WAITING
    assert messages_of_support(prisoner=prisoner) == []
    assert "¡Fuerza, Ana!" not in _page(client, prisoner)

    client.force_login(editor)
    response = _act(client, "approve", message)
    assert "Approved 1 message." in response.content.decode()
    client.logout()
    assert "¡Fuerza, Ana!" in _page(client, prisoner)


def test_it_lets_an_editor_hide_an_approved_message_at_any_time(
    client, campaign, editor, prisoner, make_message
):
    message = make_message(message_status=APPROVED)
    assert "¡Fuerza, Ana!" in _page(client, prisoner)
    client.force_login(editor)
    _act(client, "hide", message, review="approved")
    assert "¡Fuerza, Ana!" not in _page(client, prisoner)
    message.refresh_from_db()
    assert (message.status, message.moderated_by) == (HIDDEN, "editor")
    assert message.moderated_at is not None


@pytest.mark.parametrize(
    "path",
    [
        [APPROVED, HIDDEN],
        [HIDDEN],
        [HIDDEN, APPROVED],
        [APPROVED, HIDDEN, APPROVED],
    ],
)
def test_it_logs_every_review_decision_with_who_and_when(make_message, path):
    message = make_message()
    for n, to_status in enumerate(path):
        assert message_moderate(message_id=message.pk, to_status=to_status, user=f"ed{n}")
    log = list(MessageModeration.objects.filter(donation_id=message.pk))
    expected = list(zip([WAITING, *path[:-1]], path, strict=True))
    assert [(e.from_status, e.to_status) for e in log] == expected
    assert [e.moderated_by for e in log] == [f"ed{n}" for n in range(len(path))]
    assert all(e.moderated_at for e in log)
    message.refresh_from_db()
    assert message.status == path[-1]
    assert message.moderated_by == f"ed{len(path) - 1}"
    assert message.moderated_at == log[-1].moderated_at


@pytest.mark.parametrize("state", [APPROVED, HIDDEN])
def test_it_logs_nothing_when_a_message_is_already_in_that_state(make_message, state):
    message = make_message(message_status=state)
    assert not message_moderate(message_id=message.pk, to_status=state, user="ed")
    assert not MessageModeration.objects.exists()


def test_it_never_puts_a_message_back_to_waiting(make_message):
    message = make_message(message_status=APPROVED)
    with pytest.raises(KeyError):
        message_moderate(message_id=message.pk, to_status=WAITING, user="ed")
    message.refresh_from_db()
    assert message.status == APPROVED


@pytest.mark.parametrize(
    "overrides",
    [
        {"status": Donation.Status.OPEN},
        {"status": Donation.Status.FAILED},
        {"message_is_public": False},
        {"public_message": ""},
        {"prisoner": None},
    ],
)
def test_it_keeps_messages_not_meant_for_the_public_out_of_the_queue(
    client, editor, make_message, overrides
):
    message = make_message(text=overrides.pop("public_message", "Not for the queue"), **overrides)
    assert not message_moderate(message_id=message.pk, to_status=APPROVED, user="ed")
    client.force_login(editor)
    html = client.get(QUEUE + "?review=all").content.decode()
    assert "Not for the queue" not in html
    assert "0 messages of support" in html
    message.refresh_from_db()
    assert message.status == WAITING


def test_it_opens_the_queue_on_the_messages_waiting_for_review(client, editor, make_message):
    make_message(text="Waiting one")
    make_message(text="Approved one", message_status=APPROVED)
    make_message(text="Hidden one", message_status=HIDDEN)
    client.force_login(editor)
    html = client.get(QUEUE).content.decode()
    assert "Waiting one" in html
    assert "Approved one" not in html and "Hidden one" not in html
    html = client.get(QUEUE + "?review=hidden").content.decode()
    assert "Hidden one" in html and "Waiting one" not in html
    html = client.get(QUEUE + "?review=all").content.decode()
    assert all(f"{s} one" in html for s in ("Waiting", "Approved", "Hidden"))


def test_it_shows_editors_no_money_and_no_donors_email(client, editor, make_message):
    message = make_message(message_signature=MessageOfSupport.Signature.FIRST_NAME)
    client.force_login(editor)
    pages = [
        client.get(QUEUE).content.decode(),
        client.get(
            reverse("admin:messages_of_support_messageofsupport_change", args=[message.pk])
        ).content.decode(),
    ]
    for html in pages:
        assert "¡Fuerza, Ana!" in html and "Ana Ejemplo" in html
        assert "Camila" in html
        assert "camila@example.org" not in html
        assert "Rojas" not in html
        assert "73.00" not in html and "73,00" not in html
        assert "Bank transfer" not in html


def test_it_lets_no_one_edit_a_message_from_its_page(client, editor, make_message):
    message = make_message()
    client.force_login(editor)
    url = reverse("admin:messages_of_support_messageofsupport_change", args=[message.pk])
    response = client.post(url, {"public_message": "Changed"})
    assert response.status_code == 403
    message.refresh_from_db()
    assert message.text == "¡Fuerza, Ana!"


def test_it_keeps_treasurers_and_outsiders_out_of_the_queue(
    client, treasurer, outsider, make_message
):
    message = make_message()
    for user in (treasurer, outsider):
        client.force_login(user)
        assert client.get(QUEUE).status_code == 403
        assert _act(client, "approve", message).status_code == 403
    message.refresh_from_db()
    assert message.status == WAITING


def test_it_gives_editors_review_and_nothing_more_on_messages(editor):
    granted = set(
        Permission.objects.filter(
            group__name="Editors", content_type__model="messageofsupport"
        ).values_list("codename", flat=True)
    )
    assert granted == {"view_messageofsupport", "change_messageofsupport"}
    assert not editor.has_perm("ledger.view_donation")


@pytest.mark.parametrize(
    ("signature", "anonymous", "shown"),
    [
        (MessageOfSupport.Signature.FULL_NAME, False, "Camila Rojas Pérez"),
        (MessageOfSupport.Signature.FIRST_NAME, False, "Camila"),
        (MessageOfSupport.Signature.NO_NAME, False, ""),
        (MessageOfSupport.Signature.FULL_NAME, True, ""),
    ],
)
def test_it_signs_a_message_as_the_donor_chose(make_message, signature, anonymous, shown):
    message = make_message(message_signature=signature, is_anonymous=anonymous)
    assert MessageOfSupport.objects.get(pk=message.pk).signature == shown


def test_it_shows_the_chosen_signature_on_the_prisoners_page(
    client, campaign, prisoner, make_message
):
    make_message(
        text="First only",
        message_status=APPROVED,
        message_signature=MessageOfSupport.Signature.FIRST_NAME,
    )
    make_message(
        text="Unsigned",
        donor_name="Bruno Díaz",
        message_status=APPROVED,
        message_signature=MessageOfSupport.Signature.NO_NAME,
    )
    html = _page(client, prisoner)
    assert "First only" in html and "Unsigned" in html
    assert "<footer>Camila</footer>" in html and "Rojas" not in html
    assert "Bruno" not in html and "<footer>Anonymous</footer>" in html


@pytest.fixture
def demo_on(settings):
    settings.DEMO_PAYMENTS = True


@pytest.mark.parametrize(
    ("posted", "stored"),
    [
        ({"message_signature": "full_name"}, MessageOfSupport.Signature.FULL_NAME),
        ({"message_signature": "no_name"}, MessageOfSupport.Signature.NO_NAME),
        ({}, MessageOfSupport.Signature.FIRST_NAME),
    ],
)
def test_it_records_how_the_donor_signs_their_message(give, demo_on, posted, stored):
    response, donation = give("demo", public_message="Fuerza", message_is_public="on", **posted)
    assert response.status_code == 302
    assert donation.message.signed_with == stored
    assert donation.message.status == WAITING


def test_it_refuses_an_unknown_signature(client, campaign, demo_on):
    response = client.post("/en/donate/", form_data("demo", message_signature="nickname"))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Donation.objects.exists()


def test_it_offers_the_signature_choice_on_the_form(client, campaign):
    html = client.get("/nl/donate/").content.decode()
    assert 'name="message_signature" value="first_name"' in html
    assert 'value="first_name" id="id_message_signature_1" checked' in html


def test_the_queue_fits_what_an_editor_needs_in_sight(client, editor, make_message):
    waiting = make_message(text="Waiting one")
    make_message(text="Approved one", message_status=APPROVED, message_moderated_by="ed")
    client.force_login(editor)
    html = client.get(QUEUE).content.decode()
    # Nothing waiting was reviewed yet: no column that would only say "—".
    assert "Waiting one" in html and "column-reviewed" not in html
    # Only gifts to a prisoner reach the queue, so the prisoner filter offers no "none".
    assert "donation__prisoner__isnull" not in html
    assert waiting.donation.prisoner.name in html
    approved = client.get(QUEUE + "?review=approved").content.decode()
    assert "Approved one" in approved and "column-reviewed" in approved
