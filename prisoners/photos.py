from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_SIDE = 1600


def photo_without_metadata(upload) -> ContentFile:
    """Re-encode an uploaded photo so that no EXIF (GPS, camera, date) leaves with it.

    Photos of prisoners' families can carry where and when they were taken.
    """
    try:
        upload.seek(0)
        image = Image.open(upload)
        image = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, OSError) as exc:
        raise ValidationError(_("This file is not an image we can read.")) from exc
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    buffer = BytesIO()
    image.save(buffer, format="JPEG", quality=85, optimize=True)
    name = upload.name.rsplit("/", 1)[-1].rsplit(".", 1)[0] + ".jpg"
    return ContentFile(buffer.getvalue(), name=name)
