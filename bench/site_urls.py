from django.urls import path

from bench.bare_view import bare
from crowdfund.urls import handler400, handler403, handler404, handler500, urlpatterns

urlpatterns = [path("bench/bare/", bare), *urlpatterns]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
