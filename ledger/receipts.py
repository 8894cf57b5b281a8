"""What a spending receipt may be: a real PDF, JPEG or PNG, judged by its content."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image


@dataclass(frozen=True)
class ReceiptKind:
    label: str
    suffix: str  # the one a stored receipt gets
    suffixes: frozenset[str]  # the ones an upload may carry


PDF = ReceiptKind("PDF", ".pdf", frozenset({".pdf"}))
JPEG = ReceiptKind("JPEG", ".jpg", frozenset({".jpg", ".jpeg"}))
PNG = ReceiptKind("PNG", ".png", frozenset({".png"}))
KINDS = (PDF, JPEG, PNG)
STORED_SUFFIXES = frozenset(kind.suffix for kind in KINDS) | {".jpeg"}


def receipt_kind(upload) -> ReceiptKind | None:
    """The kind of file by its bytes, or None. Leaves the file at its start."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if not head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")):
        return None
    try:
        with Image.open(upload) as image:
            image.verify()
            found = image.format
    # Pillow raises many kinds of error for a broken or hostile image (and one for a
    # decompression bomb); each means the same here: not a receipt we can keep.
    except Exception:
        return None
    finally:
        upload.seek(0)
    return {"JPEG": JPEG, "PNG": PNG}.get(found)


def suffix_of(name: str) -> str:
    return Path(name).suffix.lower()
