"""A treasurer's lists on a 1280 px screen: every column in sight, none cut off at the right.

The admin's table scrolls sideways inside its box when it is wider; a treasurer does not see
that the last columns are there. Real statement lines carry long names and descriptions.
"""

from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, User
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from prisoners.models import Prisoner
from statements.importer import statement_import
from tests.conftest import confirmed_totp
from tests.migration_state import grant
from tests.statements.samples import camt

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREEN = {"width": 1280, "height": 800}
LISTS = [
    "/admin/ledger/statementline/?status__exact=review",
    "/admin/ledger/statementline/?q=",
    "/admin/ledger/expense/",
]


def _entry(amount: str, name: str, text: str, *, credit: bool = True) -> str:
    party = "Dbtr" if credit else "Cdtr"
    return (
        f'<Ntry><Amt Ccy="EUR">{amount}</Amt>'
        f"<CdtDbtInd>{'CRDT' if credit else 'DBIT'}</CdtDbtInd><Sts>BOOK</Sts>"
        "<BookgDt><Dt>2024-03-01</Dt></BookgDt>"
        f"<NtryDtls><TxDtls><RltdPties><{party}><Nm>{name}</Nm></{party}></RltdPties>"
        f"<RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
    )


@pytest.fixture
def statement(demo_site):
    """A month's lines as a Dutch bank writes them: SEPA's longest names and descriptions."""
    reference = Prisoner.objects.get(slug="ana-ejemplo").payment_reference
    entries = [
        _entry("12.50", "J. de Vries", "Gift"),
        _entry(
            "250.00",
            "Stichting Vrienden van de Solidariteit met Chileense Politieke Gevangenen",
            "Gift voor de juridische verdediging van de politieke gevangenen in Chili, namens "
            "onze leesclub in Utrecht, met hartelijke groeten en veel sterkte",
        ),
        _entry(
            "1234.56",
            "Advocatenkantoor Rojas y Asociados Limitada Santiago de Chile",
            "Factuur 2024-0117 honorarios defensa penal causa RIT 1234-2020",
            credit=False,
        ),
        _entry("35.00", "M. Jansen-van den Berg", f"{reference} maandelijkse bijdrage"),
        _entry("5.00", "Anoniem", ""),
    ]
    data = camt(*entries, opening="1000.00", closing="67.94")
    return statement_import(file_name="maart-2024.xml", data=data, user="tesorera")


@pytest.fixture
def treasurer_cookie(demo_site):
    """A treasurer's session, with their second factor used, as the browser's cookie."""
    # As in test_admin_editor.py: the migrated roles, rebuilt with the migrations' own specs.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    roles = import_module("donations.migrations.0002_roles")
    ledger = import_module("donations.migrations.0006_treasurer_ledger_roles")
    grant("Treasurers", roles.TREASURER_PERMISSIONS)
    grant("Treasurers", {"donations": ledger.TREASURER})
    user = User.objects.create_user("tesorera", password="pw-for-tests-only", is_staff=True)
    user.groups.add(Group.objects.get(name="Treasurers"))
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = confirmed_totp(user).persistent_id
    session.save()
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": demo_site.url}


@pytest.mark.parametrize("lang", ["en", "nl", "es"])
def test_it_shows_every_column_of_the_treasurers_lists_at_1280px(
    browser, demo_site, statement, treasurer_cookie, lang
):
    context = browser.new_context(viewport=SCREEN, locale=lang)
    context.add_cookies([treasurer_cookie])
    page = context.new_page()
    for path in LISTS:
        page.goto(demo_site.url + path)
        assert page.locator("#result_list tbody tr").count() > 1, path
        edges = page.evaluate(
            """() => {
                const box = document.querySelector('#changelist-form .results');
                const headers = [...document.querySelectorAll('#result_list thead th')];
                return {
                    page: document.documentElement.scrollWidth,
                    box: box.getBoundingClientRect().right,
                    scrolls: box.scrollWidth > box.clientWidth,
                    headers: headers.map(th => [th.innerText, th.getBoundingClientRect().right]),
                };
            }"""
        )
        assert edges["page"] <= SCREEN["width"], path
        assert not edges["scrolls"], (path, edges)
        cut_off = [name for name, right in edges["headers"] if right > edges["box"] + 0.5]
        assert cut_off == [], (path, edges)
    context.close()
