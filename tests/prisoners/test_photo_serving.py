"""The photos at /media/, served by the app from its storage (prisoners/photo_views.py)."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_otp import DEVICE_ID_SESSION_KEY
from PIL import Image

from tests.conftest import confirmed_totp


def _jpeg() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (40, 30), (30, 30, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.fixture
def with_photo(make_prisoner):
    def make(**fields):
        prisoner = make_prisoner(photo_alt_es="Retrato", **fields)
        prisoner.photo = SimpleUploadedFile("portrait.jpg", _jpeg(), content_type="image/jpeg")
        prisoner.save()
        return prisoner

    return make


def test_it_serves_a_published_prisoners_photo_to_anyone_and_lets_caches_keep_it(
    client, with_photo
):
    prisoner = with_photo()
    response = client.get(prisoner.photo.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "public, max-age=300"
    with prisoner.photo.open("rb") as stored:
        assert b"".join(response.streaming_content) == stored.read()


def test_it_shows_the_photo_of_an_unpublished_prisoner_to_staff_only(
    client, with_photo, editor, outsider
):
    prisoner = with_photo(is_published=False)
    assert client.get(prisoner.photo.url).status_code == 404
    client.force_login(outsider)  # staff, but may not see prisoners
    assert client.get(prisoner.photo.url).status_code == 404
    client.force_login(editor)
    response = client.get(prisoner.photo.url)
    assert response.status_code == 200
    # Never into nginx's or any other shared cache.
    assert response["Cache-Control"] == "private, no-store"


def test_a_staff_member_with_a_second_factor_must_have_used_it(client, with_photo, editor):
    prisoner = with_photo(is_published=False)
    client.force_login(editor)  # no second factor yet: the password is the whole login
    assert client.get(prisoner.photo.url).status_code == 200
    device = confirmed_totp(editor)  # now they have one, but this session never used it
    assert client.get(prisoner.photo.url).status_code == 404
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    assert client.get(prisoner.photo.url).status_code == 200


def test_it_answers_404_for_a_photo_whose_file_is_gone(client, with_photo):
    prisoner = with_photo()
    prisoner.photo.storage.delete(prisoner.photo.name)
    assert client.get(prisoner.photo.url).status_code == 404


def test_it_refuses_to_post_to_a_photo(client, with_photo):
    assert client.post(with_photo().photo.url).status_code == 405
