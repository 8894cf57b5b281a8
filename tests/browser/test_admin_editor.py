from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, User

from tests.browser.conftest import axe_violations
from tests.migration_state import grant

pytestmark = [
    pytest.mark.browser,
    # The live server needs real commits; restore the migrated roles for the tests after.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_it_gives_an_editor_a_working_rich_text_editor(page, demo_site, editor_role):
    # The role from `editor_role`: an earlier browser test's flush may have taken the
    # migrated one (see that fixture).
    editor = User.objects.create_user("ed", password="pw-for-tests-only", is_staff=True)
    editor.groups.add(editor_role)

    page.goto(demo_site.url + "/admin/")
    page.get_by_label("Nombre de usuario").fill("ed")
    page.get_by_label("Contraseña").fill("pw-for-tests-only")
    page.get_by_role("button", name="Iniciar sesión").click()
    page.get_by_role("link", name="Presos").first.click()
    page.get_by_role("link", name="Ana Ejemplo").click()

    # The editor replaces the plain textarea once its ES modules load under our CSP.
    story = page.locator('[contenteditable="true"]').first
    story.wait_for(state="visible")
    assert "Ana" in story.inner_text()
    assert page.csp_errors == []


@pytest.fixture
def editor_role(demo_site):
    """The Editors group as the migrations define it.

    The serialized rollback does not bring the migrated roles back for a browser test that
    is not the first transactional test (Playwright's event loop hides the serialized copy
    from this thread's connection), so they are rebuilt here with the migrations' own specs.
    """
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    roles = import_module("donations.migrations.0002_roles")
    messages = import_module("donations.migrations.0016_editor_message_roles")
    grant("Editors", roles.EDITOR_PERMISSIONS)
    grant("Editors", {"donations": messages.EDITOR})
    return Group.objects.get(name="Editors")


def _log_in_and_open_ana(page, demo_site):
    page.goto(demo_site.url + "/admin/")
    page.get_by_label("Nombre de usuario").fill("ed")
    page.get_by_label("Contraseña").fill("pw-for-tests-only")
    page.get_by_role("button", name="Iniciar sesión").click()
    page.get_by_role("link", name="Presos").first.click()
    page.get_by_role("link", name="Ana Ejemplo").click()


def test_it_gives_an_editor_a_prisoner_form_by_language_with_a_photo_preview(
    page, axe_page, demo_site, editor_role
):
    editor = User.objects.create_user("ed", password="pw-for-tests-only", is_staff=True)
    editor.groups.add(editor_role)

    _log_in_and_open_ana(page, demo_site)
    preview = page.locator("img.photo-preview")
    preview.wait_for(state="visible")
    assert preview.get_attribute("alt")
    assert preview.evaluate("img => img.complete && img.naturalWidth > 0")

    # Spanish is open; Dutch is folded until the editor opens it, with no script needed.
    assert page.locator("#id_summary_es").is_visible()
    dutch = page.locator("summary", has_text="Nederlands")
    assert not page.locator("#id_summary_nl").is_visible()
    dutch.click()
    assert page.locator("#id_summary_nl").is_visible()
    assert page.locator("#id_summary_nl").get_attribute("lang") == "nl"
    dutch.click()
    assert not page.locator("#id_summary_nl").is_visible()
    page.locator("summary", has_text="English").click()
    assert page.locator("#id_summary_en").is_visible()
    assert page.csp_errors == []

    _log_in_and_open_ana(axe_page, demo_site)
    axe_page.locator("img.photo-preview").wait_for(state="visible")
    axe_page.locator('[contenteditable="true"]').first.wait_for(state="visible")
    assert axe_violations(axe_page) == []
