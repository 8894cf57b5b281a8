"""A bare Django view with no middleware and no apps: the framework's floor for `make bench`.

This module is its own settings module and URLconf; gunicorn serves `bench.bare_app:application`.
"""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import path

from bench.bare_view import bare

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.bare_app"

SECRET_KEY = "benchmark-only-secret-key-0123456789-abcdefghijklmnop"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.bare_app"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict = {}
USE_I18N = False


urlpatterns = [path("bare/", bare)]
application = get_wsgi_application()
