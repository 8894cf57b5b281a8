from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CrowdfundConfig(AppConfig):
    name = "crowdfund"
    verbose_name = "Site"

    def ready(self):
        # Each app connects to the signals of the apps below it in its own `receivers.py`
        # (docs/architecture.md), and registers its system checks in its `checks.py`; found
        # as Django finds each app's admin.py, so that a lower app never names a higher one.
        autodiscover_modules("receivers", "checks")
