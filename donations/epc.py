"""EPC (SEPA) QR codes, the "GiroCode" that Dutch, Belgian and German banking apps scan."""

from decimal import Decimal

import segno.helpers

from prisoners.models import Campaign


def epc_qr_svg(*, campaign: Campaign, reference: str, amount: Decimal, title: str) -> str:
    """Inline SVG of a SEPA credit transfer to the foundation with the given reference."""
    qr = segno.helpers.make_epc_qr(
        name=campaign.account_holder,
        iban=campaign.iban,
        bic=campaign.bic,
        amount=amount,
        text=reference,
    )
    return qr.svg_inline(scale=5, border=4, title=title, svgclass="qr", lineclass=None)
