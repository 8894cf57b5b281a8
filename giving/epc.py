"""EPC (SEPA) QR codes, the "GiroCode" that Dutch, Belgian and German banking apps scan."""

import io
from decimal import Decimal
from functools import lru_cache

import segno.helpers

from prisoners.models import Campaign


def _epc_qr(*, campaign: Campaign, reference: str, amount: Decimal):
    return segno.helpers.make_epc_qr(
        name=campaign.account_holder,
        iban=campaign.iban,
        bic=campaign.bic,
        amount=amount,
        text=reference,
    )


def epc_qr_png(*, campaign: Campaign, reference: str, amount: Decimal) -> bytes:
    """The same code as a PNG, for email: most mail clients do not show SVG."""
    out = io.BytesIO()
    _epc_qr(campaign=campaign, reference=reference, amount=amount).save(
        out, kind="png", scale=5, border=4
    )
    return out.getvalue()


def epc_qr_svg(*, campaign: Campaign, reference: str, amount: Decimal, title: str) -> str:
    """Inline SVG of a SEPA credit transfer to the foundation with the given reference."""
    # Drawn once per account, reference, amount and title: the bank-transfer page asks for
    # the same few codes on every view.
    return _svg(
        campaign.account_holder, campaign.iban, campaign.bic, reference, Decimal(amount), title
    )


@lru_cache(maxsize=512)
def _svg(holder: str, iban: str, bic: str, reference: str, amount: Decimal, title: str) -> str:
    qr = segno.helpers.make_epc_qr(name=holder, iban=iban, bic=bic, amount=amount, text=reference)
    return qr.svg_inline(scale=5, border=4, title=title, svgclass="qr", lineclass=None)
