"""Bring each email's existing gifts together under one donor.

The email is normalised as `donations.models.sponsorship.normalise_email` does (copied,
frozen, because the app's may change after this migration ran). The donor takes the name
of their latest gift that carries one (an anonymous gift never gives its name to the
donor), and the language of their latest gift.
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
    dependencies = [("donations", "0018_monthly_sponsorship")]

    operations = [migrations.RunPython(link, migrations.RunPython.noop)]
