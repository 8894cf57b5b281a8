"""The fund overview: a prisoner's fund as the treasurer reads it (no table of its own)."""

from django.utils.translation import gettext_lazy as _

from prisoners.models import Prisoner


class FundOverview(Prisoner):
    """The admin's funds overview (a read-only view; no table of its own)."""

    class Meta:
        proxy = True
        verbose_name = _("fund balance")
        verbose_name_plural = _("fund balances")
