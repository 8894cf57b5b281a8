import re
from datetime import date
from io import BytesIO

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageFile

from prisoners.models import Prisoner
from prisoners.staged_photos import photo_stage

STORY_ADMIN = [
    "admin:prisoners_prisoner_changelist",
    "admin:prisoners_prisoner_add",
    "admin:prisoners_update_changelist",
]


@pytest.mark.parametrize("url_name", STORY_ADMIN)
def test_it_lets_an_editor_edit_stories(client, editor, campaign, url_name):
    client.force_login(editor)
    assert client.get(reverse(url_name)).status_code == 200


def test_it_lets_an_editor_change_the_campaign_but_not_add_a_second(client, editor, campaign):
    client.force_login(editor)
    change = reverse("admin:prisoners_campaign_change", args=[campaign.pk])
    assert client.get(change).status_code == 200
    assert client.get(reverse("admin:prisoners_campaign_add")).status_code == 403


@pytest.mark.parametrize("user_fixture", ["outsider"])
def test_it_keeps_outsiders_out_of_the_stories(client, request, campaign, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get(reverse("admin:prisoners_prisoner_changelist")).status_code == 403


def test_it_saves_a_story_written_in_the_admin(client, editor, campaign):
    client.force_login(editor)
    response = client.post(
        reverse("admin:prisoners_prisoner_add"),
        {
            "name": "Nuevo Ejemplo",
            "slug": "nuevo",
            "summary_es": "Resumen",
            "summary_nl": "",
            "summary_en": "",
            "story_es": "<p>Texto <strong>fuerte</strong></p><script>x()</script>",
            "situation": "awaiting_trial",
            "goal": "1500.00",
            "payment_reference": "DSNEW1",
            "order": "1",
            "consent_given_by": "Madre",
            "consent_given_on": "2021-03-01",
            "is_published": "on",
            "updates-TOTAL_FORMS": "0",
            "updates-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    prisoner = Prisoner.objects.get(slug="nuevo")
    assert prisoner.is_published
    assert "<strong>fuerte</strong>" in prisoner.story_es
    assert "script" not in prisoner.story_es


def test_it_refuses_to_publish_without_consent_in_the_admin(client, editor, campaign):
    client.force_login(editor)
    response = client.post(
        reverse("admin:prisoners_prisoner_add"),
        {
            "name": "Sin Consentimiento",
            "slug": "sin",
            "summary_es": "Resumen",
            "situation": "awaiting_trial",
            "goal": "1500.00",
            "payment_reference": "DSNEW2",
            "order": "1",
            "is_published": "on",
            "updates-TOTAL_FORMS": "0",
            "updates-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Record who gave consent" in response.content.decode()
    assert not Prisoner.objects.filter(slug="sin").exists()


def test_it_publishes_only_prisoners_with_consent_from_the_list(client, editor, make_prisoner):
    with_consent = make_prisoner(is_published=False)
    without = make_prisoner(is_published=False, consent_given_by="", consent_given_on=None)
    client.force_login(editor)
    client.post(
        reverse("admin:prisoners_prisoner_changelist"),
        {"action": "publish", "_selected_action": [with_consent.pk, without.pk]},
    )
    with_consent.refresh_from_db()
    without.refresh_from_db()
    assert with_consent.is_published
    assert not without.is_published


def test_it_freezes_the_reference_once_published(client, editor, make_prisoner):
    prisoner = make_prisoner(consent_given_on=date(2021, 1, 1))
    client.force_login(editor)
    html = client.get(reverse("admin:prisoners_prisoner_change", args=[prisoner.pk])).content
    assert b'name="payment_reference"' not in html
    assert prisoner.payment_reference.encode() in html


# The editor's side of a prisoner's form: languages, photo, translations, archive.


def _jpeg(size=(40, 30), color=(200, 30, 30)) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, color).save(buffer, format="JPEG")
    return buffer.getvalue()


def _new_prisoner(**overrides) -> dict:
    data = {
        "name": "Nuevo Ejemplo",
        "slug": "nuevo",
        "summary_es": "Resumen",
        "story_es": "<p>Historia</p>",
        "situation": "awaiting_trial",
        "goal": "1500.00",
        "payment_reference": "DSNEW3",
        "order": "1",
        "consent_given_by": "Madre",
        "consent_given_on": "2021-03-01",
        "updates-TOTAL_FORMS": "0",
        "updates-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


@pytest.fixture
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


ADD = reverse("admin:prisoners_prisoner_add")


def _change(prisoner) -> str:
    return reverse("admin:prisoners_prisoner_change", args=[prisoner.pk])


def test_it_organises_the_form_by_language(client, editor, make_prisoner):
    prisoner = make_prisoner(summary_nl="", story_en="")
    client.force_login(editor)
    html = client.get(_change(prisoner)).content.decode()
    spanish = html.index(">Español<")
    dutch = html.index(">Nederlands: translation missing<")
    english = html.index(">English: translation missing<")
    assert spanish < dutch < english
    # Spanish, where stories start, is open; the others fold away without any script.
    assert html.count("<details><summary>") == 2
    assert "<details><summary>" not in html[:spanish]
    for code in ("es", "nl", "en"):
        assert f'name="summary_{code}"' in html
        assert re.search(rf'<input[^>]*name="summary_{code}"[^>]*lang="{code}"', html)


def test_it_opens_a_folded_language_that_holds_an_error(client, editor, make_prisoner):
    prisoner = make_prisoner()
    client.force_login(editor)
    data = _new_prisoner(slug=prisoner.slug, summary_nl="x" * 201)
    html = client.post(ADD, data).content.decode()
    dutch = html.index(">Nederlands<")
    assert "<details><summary>" not in html[dutch - 200 : dutch]
    assert "Ensure this value has at most 200 characters" in html


def test_it_marks_missing_translations_in_the_list(client, editor, make_prisoner):
    make_prisoner(name="Completa", story_nl="<p>Verhaal</p>")
    make_prisoner(name="Sin Holandés", summary_nl="", story_en="<p></p>")
    client.force_login(editor)
    html = client.get(reverse("admin:prisoners_prisoner_changelist")).content.decode()
    rows = {row.split("</th>")[0]: row for row in html.split('<th class="field-name">')[1:]}
    complete = next(r for name, r in rows.items() if "Completa" in name)
    partial = next(r for name, r in rows.items() if "Sin Holandés" in name)
    assert "complete" in complete.split("</tr>")[0]
    assert "nl, en missing" in partial.split("</tr>")[0]


def test_it_shows_a_preview_of_the_photo_with_its_description(client, editor, make_prisoner):
    prisoner = make_prisoner(photo_alt_en="Ana smiling", photo_alt_es="Ana sonriendo")
    prisoner.photo = SimpleUploadedFile("ana.jpg", _jpeg())
    prisoner.save()
    client.force_login(editor)
    html = client.get(_change(prisoner)).content.decode()
    assert f'<img src="{prisoner.photo.url}" alt="Ana smiling" class="photo-preview"' in html
    assert "No photo yet." in client.get(ADD).content.decode()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not an image at all", "Upload a valid image"),
        # Cut off half-way: the header reads, the picture does not.
        (_jpeg((400, 300))[:1264], "This photo could not be read"),
    ],
)
def test_it_refuses_a_new_prisoner_whose_photo_did_not_arrive_whole(
    client, editor, campaign, private_root, content, message, monkeypatch
):
    # Importing WeasyPrint (the PDF reports) makes Pillow tolerate cut-off images.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    client.force_login(editor)
    photo = SimpleUploadedFile("ana.jpg", content, content_type="image/jpeg")
    response = client.post(ADD, _new_prisoner(photo=photo, photo_alt_es="Ana"))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Prisoner.objects.exists()
    assert not (private_root / "staged-photos").exists() or not any(
        (private_root / "staged-photos").iterdir()
    )


def _staged_token(html: str) -> str:
    return re.search(r'name="staged_photo" value="([^"]+)"', html).group(1)


def test_it_keeps_the_photo_through_a_failed_save(client, editor, campaign, private_root):
    client.force_login(editor)
    photo = SimpleUploadedFile("ana.jpg", _jpeg(), content_type="image/jpeg")
    response = client.post(
        ADD, _new_prisoner(photo=photo, photo_alt_es="Ana", consent_given_by="", is_published="on")
    )
    html = response.content.decode()
    assert "Record who gave consent" in html
    assert "Your photo “ana.jpg” is kept" in html
    assert not Prisoner.objects.exists()

    response = client.post(
        ADD, _new_prisoner(photo_alt_es="Ana", is_published="on", staged_photo=_staged_token(html))
    )
    assert response.status_code == 302
    prisoner = Prisoner.objects.get()
    with Image.open(prisoner.photo.path) as saved:
        assert saved.format == "JPEG" and saved.size == (40, 30)
    # Read back once, then gone from the private folder.
    assert list((private_root / "staged-photos").iterdir()) == []


def test_it_keeps_the_photo_through_any_number_of_failed_saves(
    client, editor, campaign, private_root
):
    client.force_login(editor)
    photo = SimpleUploadedFile("ana.jpg", _jpeg(), content_type="image/jpeg")
    html = client.post(ADD, _new_prisoner(photo=photo, photo_alt_es="")).content.decode()
    assert "Describe the photo" in html
    html = client.post(
        ADD, _new_prisoner(photo_alt_es="", staged_photo=_staged_token(html))
    ).content.decode()
    assert "Describe the photo" in html
    response = client.post(ADD, _new_prisoner(photo_alt_es="Ana", staged_photo=_staged_token(html)))
    assert response.status_code == 302
    assert Prisoner.objects.get().photo
    assert len(list((private_root / "staged-photos").iterdir())) == 0


@pytest.mark.parametrize("forged", ["someone-elses", "tampered"])
def test_it_refuses_a_staged_photo_it_did_not_keep_for_this_editor(
    client, editor, campaign, private_root, forged
):
    if forged == "someone-elses":
        token = photo_stage(upload=SimpleUploadedFile("x.jpg", _jpeg()), user_id=editor.pk + 1)
    else:
        token = photo_stage(upload=SimpleUploadedFile("x.jpg", _jpeg()), user_id=editor.pk)
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    client.force_login(editor)
    response = client.post(ADD, _new_prisoner(photo_alt_es="Ana", staged_photo=token))
    assert response.status_code == 200
    assert "could not be kept. Please choose it again." in response.content.decode()
    assert not Prisoner.objects.exists()


@pytest.fixture
def with_gift(make_prisoner, make_donation):
    prisoner = make_prisoner(name="Con Regalos")
    make_donation("40.00", prisoner=prisoner, donor_email="secret@example.org")
    return prisoner


@pytest.mark.parametrize("role", ["editor", "superuser"])
def test_it_lets_no_one_delete_a_prisoner_with_gifts(client, request, with_gift, role):
    if role == "superuser":
        user = User.objects.create_superuser("root", password="pw-for-tests-only")
    else:
        user = request.getfixturevalue("editor")
    client.force_login(user)
    html = client.get(_change(with_gift)).content.decode()
    delete = reverse("admin:prisoners_prisoner_delete", args=[with_gift.pk])
    assert delete not in html
    assert "Archive (unpublish)" in html
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Prisoner.objects.filter(pk=with_gift.pk).exists()


def test_it_refuses_to_delete_a_prisoner_with_gifts_from_the_list(
    client, editor, with_gift, make_prisoner
):
    without = make_prisoner(name="Sin Regalos")
    client.force_login(editor)
    selection = {"action": "delete_selected", "_selected_action": [with_gift.pk, without.pk]}
    response = client.post(reverse("admin:prisoners_prisoner_changelist"), selection)
    html = response.content.decode()
    assert "Not deleted, because gifts or spending are recorded for them: Con Regalos" in html
    # Editors never see gifts, not even as the reason a delete was refused.
    assert "40.00" not in html and "secret@example.org" not in html
    response = client.post(
        reverse("admin:prisoners_prisoner_changelist"), {**selection, "post": "yes"}
    )
    assert list(Prisoner.objects.values_list("name", flat=True)) == ["Con Regalos"]


def test_it_lets_an_editor_delete_a_prisoner_without_gifts(client, editor, make_prisoner):
    prisoner = make_prisoner()
    client.force_login(editor)
    delete = reverse("admin:prisoners_prisoner_delete", args=[prisoner.pk])
    assert delete in client.get(_change(prisoner)).content.decode()
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not Prisoner.objects.exists()


def test_it_archives_a_prisoner_with_gifts(client, campaign, editor, with_gift):
    archive = reverse("admin:prisoners_prisoner_archive", args=[with_gift.pk])
    client.force_login(editor)
    assert client.get(archive).status_code == 405
    response = client.post(archive, follow=True)
    html = response.content.decode()
    assert "Con Regalos is archived" in html
    assert "This page is archived" in html
    with_gift.refresh_from_db()
    assert not with_gift.is_published
    assert client.get(f"/en/prisoners/{with_gift.slug}/").status_code == 404


def test_it_lets_only_those_who_may_change_stories_archive(client, treasurer, with_gift):
    archive = reverse("admin:prisoners_prisoner_archive", args=[with_gift.pk])
    client.force_login(treasurer)
    assert "Archive (unpublish)" not in client.get(_change(with_gift)).content.decode()
    assert client.post(archive).status_code == 403
    with_gift.refresh_from_db()
    assert with_gift.is_published
