from django.http import HttpResponse


def bare(request):
    """The smallest Django view: what every page is measured against."""
    response = HttpResponse("ok\n", content_type="text/plain")
    # What CommonMiddleware adds on the site; without it gunicorn would send chunks.
    response["Content-Length"] = str(len(response.content))
    return response
