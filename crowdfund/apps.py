from django.apps import AppConfig


class CrowdfundConfig(AppConfig):
    name = "crowdfund"
    verbose_name = "Site"

    def ready(self):
        from crowdfund import checks  # noqa: F401 - registers the deployment checks
