from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SponsorshipsConfig(AppConfig):
    name = "sponsorships"
    verbose_name = _("Monthly sponsorships")

    def ready(self):
        from crowdfund.content import changes_content

        # The monthly sponsors show on the home and prisoner pages.
        changes_content(self.get_model("Sponsorship"))
