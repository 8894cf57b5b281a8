import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from crowdfund.caching import cache_answers

logger = logging.getLogger(__name__)


@require_safe
@never_cache
def healthz(request):
    """200 when the database answers, 503 when it does not: load balancers poll this.

    Without the shared cache the site still serves (pages rendered each time, online
    checkouts refused, crowdfund/cache_backend.py), so this stays 200; the body says
    "degraded" and names the caches, for an operator's check to alert on.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    down = [alias for alias in settings.CACHES if not cache_answers(alias)]
    if down:
        logger.warning("Health check: shared cache unavailable (%s)", ", ".join(down))
        body = f"ok, degraded: shared cache unavailable ({', '.join(down)})\n"
        return HttpResponse(body, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
