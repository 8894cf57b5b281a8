from datetime import date, datetime, time, timedelta
from io import BytesIO

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from demo import anbi as demo_anbi
from demo import content as demo
from demo.agreement import demo_agreement_load
from demo.donor import demo_donor_load
from ledger.models import Category, Donation, Expense
from mygifts.access import manage_url
from prisoners.models import RICH_ANBI_FIELDS, BoardMember, Campaign, Prisoner, Update

LANGS = ("es", "nl", "en")
PALETTE = ["#7a0e1f", "#2f4858", "#33658a", "#55828b", "#86bbbd", "#b2675e", "#644536"]
DEMO_PASSWORD = "demo-password"  # noqa: S105 - only created with DEBUG on, see below.


def _per_lang(field: str, values: dict[str, str]) -> dict[str, str]:
    return {f"{field}_{lang}": values[lang] for lang in LANGS}


def _portrait(initials: str, color: str) -> ContentFile:
    # An abstract placeholder: demo content must never look like a real person.
    image = Image.new("RGB", (800, 600), color)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=220)
    draw.text((400, 300), initials, fill="#ffffff", font=font, anchor="mm")
    buffer = BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return ContentFile(buffer.getvalue(), name=f"demo-{initials.lower()}.jpg")


def _noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


class Command(BaseCommand):
    help = (
        "Load the demo campaign, categories, seven invented prisoners and a few gifts. Idempotent."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        self._campaign()
        self._categories()
        prisoners = self._prisoners()
        self._donations(prisoners)
        self._expenses(prisoners)
        self._demo_donor(prisoners)
        self.stdout.write(self.style.SUCCESS("Demo content is loaded."))
        if settings.DEBUG:
            self._demo_staff()
        self._agreement()

    def _campaign(self) -> None:
        c = demo.CAMPAIGN
        campaign, _created = Campaign.objects.update_or_create(
            pk=1,
            defaults={
                "foundation_name": c["foundation_name"],
                "account_holder": c["account_holder"],
                "iban": c["iban"],
                "bic": c["bic"],
                "general_reference": c["general_reference"],
                "contact_email": c["contact_email"],
                "goal": c["goal"],
                "is_anbi": c["is_anbi"],
                "anbi_since": c["anbi_since"],
                "rsin": c["rsin"],
                "kvk_number": c["kvk_number"],
                "postal_address": c["postal_address"],
                "cbf_status": c["cbf_status"],
                **_per_lang("title", c["title"]),
                **_per_lang("appeal", c["appeal"]),
                **self._anbi(),
            },
        )
        for order, (name, role) in enumerate(c["board"], start=1):
            BoardMember.objects.update_or_create(
                campaign=campaign, name=name, defaults={"role": role, "order": order}
            )

    def _anbi(self) -> dict:
        a = demo_anbi.ANBI
        fields = {"visiting_address": a["visiting_address"], "phone": a["phone"]}
        for name in ("public_name", *RICH_ANBI_FIELDS):
            fields.update(_per_lang(name, a[name]))
        return fields

    def _categories(self) -> None:
        for code, purpose, order, texts in demo.CATEGORIES:
            defaults = {"purpose": purpose, "order": order}
            for lang in LANGS:
                defaults[f"name_{lang}"], defaults[f"description_{lang}"] = texts[lang]
            Category.objects.update_or_create(code=code, defaults=defaults)

    def _prisoners(self) -> dict[str, Prisoner]:
        prisoners = {}
        for index, row in enumerate(demo.PRISONERS):
            slug, name, gender, reference, situation, held, since, age, city, month, study, goal = (
                row
            )
            story_args = {
                "name": name,
                "gender": gender,
                "age": age,
                "city": city,
                "month": month,
                "study": study,
            }
            defaults = {
                "name": name,
                "payment_reference": reference,
                "situation": situation,
                "held_since": since,
                "goal": goal,
                "order": index + 1,
                "is_published": True,
                "consent_given_by": "Demo: familia / family",
                "consent_given_on": since.replace(year=2021),
            }
            for lang in LANGS:
                defaults[f"summary_{lang}"] = demo.summary(lang, situation)
                defaults[f"story_{lang}"] = demo.story(lang, **story_args)
                defaults[f"held_at_{lang}"] = demo.held_at(lang, held, city)
                defaults[f"photo_alt_{lang}"] = {
                    "es": f"Ilustración con las iniciales de {name}",
                    "nl": f"Illustratie met de initialen van {name}",
                    "en": f"Illustration with the initials of {name}",
                }[lang]
            prisoner, _created = Prisoner.objects.update_or_create(slug=slug, defaults=defaults)
            if not prisoner.photo:
                initials = "".join(part[0] for part in name.split())
                prisoner.photo = _portrait(initials, PALETTE[index % len(PALETTE)])
                prisoner.save()
            Update.objects.update_or_create(
                prisoner=prisoner,
                published_on=since.replace(year=2022),
                defaults={
                    **_per_lang("title", demo.UPDATE["title"]),
                    **_per_lang("body", demo.UPDATE["body"]),
                },
            )
            prisoners[slug] = prisoner
        return prisoners

    def _donations(self, prisoners: dict[str, Prisoner]) -> None:
        now = timezone.now()
        last_year = timezone.localdate().year - 1
        gifts = [(seed, now.date(), amount, slug) for seed, amount, slug in demo.DONATIONS]
        # A closed year of books, so that the ANBI page lists financial statements.
        gifts += [
            (seed, date(last_year, month, day), amount, slug)
            for seed, month, day, amount, slug in demo_anbi.PAST_YEAR_DONATIONS
        ]
        for seed, day, amount, slug in gifts:
            Donation.objects.update_or_create(
                provider=Donation.Provider.DEMO,
                provider_payment_id=f"demo-{seed}",
                defaults={
                    "amount": amount,
                    "prisoner": prisoners.get(slug) if slug else None,
                    "method": Donation.Method.BANK_TRANSFER,
                    "status": Donation.Status.PAID,
                    "is_anonymous": True,
                    "received_on": day,
                    "paid_at": now if day == now.date() else _noon(day),
                },
            )

    def _expenses(self, prisoners: dict[str, Prisoner]) -> None:
        today = timezone.localdate()
        spending = [
            (key, today - timedelta(days=days_ago), amount, slug, code)
            for key, days_ago, amount, slug, code in demo.EXPENSES
        ]
        spending += [
            (key, date(today.year - 1, month, day), amount, slug, code)
            for key, month, day, amount, slug, code in demo_anbi.PAST_YEAR_EXPENSES
        ]
        for key, day, amount, slug, code in spending:
            Expense.objects.update_or_create(
                description=f"Demo expense: {key}",
                defaults={
                    "date": day,
                    "amount": amount,
                    "prisoner": prisoners.get(slug) if slug else None,
                    "category": Category.objects.get(code=code),
                },
            )

    def _agreement(self) -> None:
        # After the staff accounts: the demo treasurer countersigns it.
        try:
            agreement = demo_agreement_load()
        except OSError as exc:
            # WeasyPrint needs Pango; without it the rest of the demo still works.
            self.stdout.write(f"No demo periodic-gift agreement: its PDF needs Pango ({exc}).")
            return
        self.stdout.write(f"Demo periodic-gift agreement {agreement.number} ({agreement.status}).")

    def _demo_donor(self, prisoners: dict[str, Prisoner]) -> None:
        donor = demo_donor_load(prisoners=prisoners)
        self.stdout.write(
            f"Demo donor: {donor.email}. Type it under 'Manage my gifts' "
            f"({settings.SITE_URL}/es/my-gifts/); the email with the link is printed here."
        )
        if settings.DEBUG:
            # A link is a key to a donor's page; printed only for the local demo.
            self.stdout.write(f"Or open the demo donor's page at once: {manage_url(donor, 'es')}")

    def _demo_staff(self) -> None:
        # Full names: the foundation's countersignature carries the signer's name.
        for username, group, superuser, name in [
            ("admin", None, True, ("Demo", "Beheerder")),
            ("editor", "Editors", False, ("Demo", "Redacteur")),
            ("treasurer", "Treasurers", False, ("Demo", "Penningmeester")),
        ]:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "is_staff": True,
                    "is_superuser": superuser,
                    "first_name": name[0],
                    "last_name": name[1],
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            if group:
                user.groups.add(Group.objects.get(name=group))
        self.stdout.write(
            "Demo staff accounts (DEBUG only): admin, editor and treasurer, "
            f"each with password '{DEMO_PASSWORD}', at {settings.SITE_URL}/admin/"
        )
        if settings.OTP_DEMO_SKIP:
            self.stdout.write(
                "Two-factor authentication is skipped because DEBUG and OTP_DEMO_SKIP are on; "
                "run with OTP_DEMO_SKIP=0 to try setting it up."
            )
        else:
            self.stdout.write(
                "admin and treasurer set up an authenticator app at their first login "
                "(the page shows a QR code and the key to type in)."
            )
