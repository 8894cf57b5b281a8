from django.apps import AppConfig


class CrowdfundConfig(AppConfig):
    name = "crowdfund"
    verbose_name = "Site"

    def ready(self):
        pass
