"""Single-purpose signed links (donors/links.py): a manage link opens the donor's page and
nothing else, for 24 hours, and cannot be forged."""

from datetime import timedelta

import pytest
from django.core import signing

from donors.links import MANAGE, LinkExpired, LinkInvalid, LinkPurpose, link_token, link_value
from mygifts.access import donor_from_token, manage_token
from sponsorships.links import sponsorship_from_token
from tests.donor_pages import old_token

# The donor's page offers the demo checkout when demo payments are on.
pytestmark = pytest.mark.usefixtures("demo_payments_on")

# What the agreements app will declare: another purpose, another salt.
SIGN_AGREEMENT = LinkPurpose("agreements.sign", timedelta(days=14))


def test_it_reads_back_what_it_signed_for_the_same_purpose():
    token = link_token(MANAGE, {"donor": 7, "address": "abc"})
    assert link_value(MANAGE, token) == {"donor": 7, "address": "abc"}


def test_a_manage_link_is_refused_for_any_other_purpose(make_donor):
    token = manage_token(make_donor())
    with pytest.raises(LinkInvalid):
        link_value(SIGN_AGREEMENT, token)
    with pytest.raises(LinkInvalid):
        link_value(LinkPurpose("donors.manage.other"), token)
    # Nor does the sponsorship's cancel link, with its own salt, accept it.
    assert sponsorship_from_token(token) is None


def test_another_purposes_link_never_opens_the_page(make_donor):
    donor = make_donor()
    token = link_token(SIGN_AGREEMENT, {"donor": donor.pk, "address": "x"})
    with pytest.raises(LinkInvalid):
        donor_from_token(token)


def test_it_expires_after_24_hours_and_says_so(make_donor):
    donor = make_donor()
    fresh = old_token({"donor": donor.pk, "address": "x"}, hours=23.9)
    assert link_value(MANAGE, fresh)["donor"] == donor.pk
    with pytest.raises(LinkExpired):
        link_value(MANAGE, old_token({"donor": donor.pk, "address": "x"}, hours=24.1))


@pytest.mark.parametrize(
    "forge",
    [
        lambda t: t[:-3] + ("abc" if not t.endswith("abc") else "xyz"),  # damaged signature
        lambda t: t.split(":")[0],  # the payload alone
        lambda t: signing.dumps({"donor": 1, "address": "x"}, salt=MANAGE.salt, key="other-key"),
        lambda t: "",
    ],
)
def test_it_refuses_a_tampered_token(make_donor, forge):
    token = manage_token(make_donor())
    with pytest.raises(LinkInvalid):
        donor_from_token(forge(token))


def test_a_link_stops_working_when_the_address_changes(make_donor):
    donor = make_donor()
    token = manage_token(donor)
    donor.email = "someone-else@example.org"
    donor.save()
    with pytest.raises(LinkInvalid):
        donor_from_token(token)
