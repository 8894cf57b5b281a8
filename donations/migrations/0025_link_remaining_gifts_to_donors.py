"""Link the gifts with an email that no donor holds yet.

The first linking migration ran before the statement import (a transfer announced with an
email) and the admin's hand entry linked their gifts to donors, so gifts recorded since then
may stand alone. The same rules as then, copied and frozen here: the email normalised as
`donations.models.sponsorship.normalise_email` does, the donor's name from their latest gift
that carries one (an anonymous gift never gives its name), their language from the latest.
"""

from django.db import migrations


def _normalise(email: str) -> str:
    return email.strip().lower()


def link(apps, schema_editor):
    Donation = apps.get_model("donations", "Donation")
    Donor = apps.get_model("donations", "Donor")
    donors: dict[str, int] = {}
    gifts = Donation.objects.exclude(donor_email="").filter(donor__isnull=True)
    for gift in gifts.order_by("-created_at", "-id").iterator():
        email = _normalise(gift.donor_email)
        if not email:
            continue
        if email not in donors:
            donor, _created = Donor.objects.get_or_create(
                email=email,
                defaults={
                    "name": "" if gift.is_anonymous else gift.donor_name,
                    "language": gift.language,
                },
            )
            donors[email] = donor.pk
        if gift.donor_name and not gift.is_anonymous:
            Donor.objects.filter(pk=donors[email], name="").update(name=gift.donor_name)
        Donation.objects.filter(pk=gift.pk).update(donor_id=donors[email])


class Migration(migrations.Migration):
    dependencies = [("donations", "0024_donor_email_preferences")]

    operations = [migrations.RunPython(link, migrations.RunPython.noop)]
