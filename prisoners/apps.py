from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrisonersConfig(AppConfig):
    name = "prisoners"
    verbose_name = _("Stories")

    def ready(self):
        from crowdfund.content import changes_content

        changes_content(*(self.get_model(name) for name in ("Campaign", "BoardMember")))
        changes_content(*(self.get_model(name) for name in ("Prisoner", "Update")))
