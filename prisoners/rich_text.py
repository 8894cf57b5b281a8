"""One definition of what a story may contain, shared by the editor and the sanitiser."""

from django.utils.html import strip_tags
from django_prose_editor.fields import create_sanitizer

# The editor offers exactly these; the sanitiser lets exactly these through.
EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Link": {"enableTarget": False},
    "Heading": {"levels": [2, 3]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    "History": True,
}

sanitize_html = create_sanitizer(EXTENSIONS)


def has_text(value: str | None) -> bool:
    """Whether rich text says anything: the editor leaves "<p></p>" where nobody wrote."""
    return bool(strip_tags(value or "").strip())
