"""Files placed inside a PDF, read through their storage (the local disk or the bucket)."""

import base64
import mimetypes

from django import template

register = template.Library()


@register.filter
def data_uri(field_file) -> str:
    """A stored image as a data: URI, so WeasyPrint needs no path on this machine's disk.

    Empty when the file is gone: the report is still built, without that picture.
    """
    content_type = mimetypes.guess_type(field_file.name)[0] or "application/octet-stream"
    try:
        with field_file.storage.open(field_file.name, "rb") as stored:
            encoded = base64.b64encode(stored.read()).decode("ascii")
    except FileNotFoundError:
        return ""
    return f"data:{content_type};base64,{encoded}"
