import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


def _new_token() -> str:
    return uuid.uuid4().hex[:12]


class ContentVersion(models.Model):
    """One row: changes whenever anything a public page shows changes (crowdfund/content.py).

    The token differs per database, so a number that starts again after the database was
    recreated never names an old built report or cached page.
    """

    ROW = 1

    number = models.BigIntegerField(_("number"), default=0)
    token = models.CharField(_("token"), max_length=12, default=_new_token)

    class Meta:
        verbose_name = _("content version")
        verbose_name_plural = _("content versions")

    def __str__(self) -> str:
        return f"{self.token}-{self.number}"
