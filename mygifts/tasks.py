from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from donors.models import ANONYMISED_DOMAIN, Donor
from mygifts.access import manage_url
from mygifts.limits import link_send_allowed
from prisoners.models import Campaign

# Stands in for an unknown address, so that its request does the same work (see below).
_NOBODY = Donor(pk=0, email=f"nobody@{ANONYMISED_DOMAIN}")


def manage_link_message(donor: Donor, language: str) -> EmailMultiAlternatives:
    context = {
        "donor": donor,
        "link": manage_url(donor, language),
        "campaign": Campaign.objects.first(),
    }
    with translation.override(language):
        subject = render_to_string("email/donors/manage_link_subject.txt", context).strip()
        text = render_to_string("email/donors/manage_link.txt", context)
    return EmailMultiAlternatives(subject, text, None, [donor.email])


@task()
def send_manage_link(donor_id: int | None, language: str) -> None:
    """Email a donor the link to their page; for an unknown address, send nothing.

    The message is built for an unknown address too and then dropped: where tasks run inside
    the request (TASKS_IMMEDIATE), the answer then takes as long whoever asked. A lost link
    is simply asked for again, so no claim guards a second send. Nor does an inbox get more
    than DONOR_LINK_RATE_LIMIT_PER_EMAIL links an hour (mygifts/limits.py).
    """
    donor = Donor.objects.filter(pk=donor_id or 0).first()
    message = manage_link_message(donor or _NOBODY, language)
    if donor is not None and link_send_allowed(email=donor.email):
        message.send()
