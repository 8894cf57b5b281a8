from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = "Staff accounts"

    def ready(self):
        # The audit trail registers the models it watches; the session module stamps the
        # login time. Both connect on import.
        from staff import audit, sessions  # noqa: F401
