from datetime import date
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.utils import translation
from PIL import Image

from prisoners.models import REFERENCE_ALPHABET, Campaign, Prisoner, Update


def test_it_refuses_to_publish_without_consent(make_prisoner):
    with pytest.raises(IntegrityError):
        make_prisoner(is_published=True, consent_given_by="", consent_given_on=None)


def test_it_explains_missing_consent_in_the_form(make_prisoner):
    prisoner = make_prisoner(is_published=False, consent_given_by="", consent_given_on=None)
    prisoner.is_published = True
    with pytest.raises(ValidationError) as excinfo:
        prisoner.full_clean()
    assert "is_published" in excinfo.value.message_dict


def test_it_publishes_with_consent(make_prisoner):
    prisoner = make_prisoner(consent_given_by="Mother", consent_given_on=date(2021, 2, 1))
    assert Prisoner.objects.published().filter(pk=prisoner.pk).exists()


def test_it_strips_script_and_event_handlers_from_stories(make_prisoner):
    prisoner = make_prisoner(
        story_es='<p>Hola<script>alert(1)</script></p><img src=x onerror="alert(2)">',
        story_nl='<p onclick="x()">Hallo <a href="javascript:alert(3)">link</a></p>',
    )
    prisoner.refresh_from_db()
    for html in (prisoner.story_es, prisoner.story_nl):
        assert "<script" not in html
        assert "onerror" not in html
        assert "onclick" not in html
        assert "javascript:" not in html
    assert "Hola" in prisoner.story_es


def test_it_sanitises_updates_and_the_appeal(make_prisoner, campaign):
    update = Update.objects.create(
        prisoner=make_prisoner(),
        published_on=date(2022, 1, 1),
        title_es="Noticia",
        body_es="<p>ok</p><iframe src='https://evil.example'></iframe>",
    )
    campaign.appeal_en = "<p>Help</p><script>steal()</script>"
    campaign.save()
    update.refresh_from_db()
    campaign.refresh_from_db()
    assert "iframe" not in update.body_es
    assert "script" not in campaign.appeal_en


def test_it_gives_every_prisoner_a_distinct_readable_reference(make_prisoner):
    references = {make_prisoner().payment_reference for _ in range(20)}
    assert len(references) == 20
    for reference in references:
        assert reference.startswith("DS")
        assert set(reference[2:]) <= set(REFERENCE_ALPHABET)


def _draws(monkeypatch, letters: str) -> None:
    """Make the reference generator draw these letters, in order."""
    sequence = iter(letters)
    monkeypatch.setattr("prisoners.models.secrets.choice", lambda alphabet: next(sequence))


def test_it_draws_again_when_a_reference_is_taken_by_a_prisoner_or_the_general_fund(
    monkeypatch, campaign, make_prisoner
):
    make_prisoner(payment_reference="DSAAAA")
    assert campaign.general_reference == "DSFUND"
    _draws(monkeypatch, "AAAA" + "FUND" + "CCCC")
    assert make_prisoner().payment_reference == "DSCCCC"


def test_it_refuses_a_prisoner_reference_that_the_general_fund_uses(campaign, make_prisoner):
    prisoner = make_prisoner()
    prisoner.payment_reference = campaign.general_reference.lower()
    with pytest.raises(ValidationError) as refused:
        prisoner.full_clean()
    assert "general fund uses this reference" in str(
        refused.value.message_dict["payment_reference"]
    )


def test_it_refuses_a_general_reference_that_a_prisoner_uses(campaign, make_prisoner):
    make_prisoner(payment_reference="DSAAAA")
    campaign.general_reference = "DSAAAA"
    with pytest.raises(ValidationError) as refused:
        campaign.full_clean()
    assert "A prisoner uses this reference" in str(refused.value.message_dict["general_reference"])


def test_it_falls_back_to_another_language_when_content_is_missing(make_prisoner):
    prisoner = make_prisoner(story_es="<p>Historia</p>", story_nl="", story_en="")
    with translation.override("nl"):
        assert prisoner.story == "<p>Historia</p>"


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (50, 40), "red")
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # camera make
    exif[0x8825] = {1: "S", 2: (33.0, 26.0, 0.0)}  # GPS latitude
    buffer = BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def test_it_removes_photo_metadata(make_prisoner):
    raw = _jpeg_with_gps()
    assert Image.open(BytesIO(raw)).getexif()  # the fixture really carries EXIF
    prisoner = make_prisoner(
        photo=SimpleUploadedFile("family.jpg", raw, content_type="image/jpeg"),
        photo_alt_es="Foto",
    )
    with prisoner.photo.open("rb") as stored:
        assert not Image.open(stored).getexif()


def test_it_requires_a_description_for_a_photo(make_prisoner):
    prisoner = make_prisoner(is_published=False)
    prisoner.photo = SimpleUploadedFile("p.jpg", _jpeg_with_gps(), content_type="image/jpeg")
    with pytest.raises(ValidationError) as excinfo:
        prisoner.full_clean()
    assert "photo_alt" in excinfo.value.message_dict


def test_it_validates_the_iban_and_bic(campaign):
    campaign.iban = "NL00ABNA0000000000"
    campaign.bic = "NOTABIC"
    with pytest.raises(ValidationError) as excinfo:
        campaign.full_clean()
    assert {"iban", "bic"} <= set(excinfo.value.message_dict)


def test_it_normalises_a_valid_iban(campaign):
    campaign.iban = "nl91 abna 0417 1643 00"
    campaign.full_clean()
    assert campaign.iban == "NL91ABNA0417164300"
    assert Campaign.objects.count() == 1
