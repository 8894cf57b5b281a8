import pytest
from django.contrib.auth.models import Group, User

pytestmark = [
    pytest.mark.browser,
    # The live server needs real commits; restore the migrated roles for the tests after.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_it_gives_an_editor_a_working_rich_text_editor(page, demo_site):
    editor = User.objects.create_user("ed", password="pw-for-tests-only", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))

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
