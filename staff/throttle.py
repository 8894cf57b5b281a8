"""Login throttling on top of django-axes: 5 failures per username, 20 per client address.

Axes compares one failure count with one limit (AXES_FAILURE_LIMIT, here the username's).
This handler gives it that count per username, or the full limit once the address alone has
reached its own, higher limit. The counts are rows in the database (axes' database handler),
so every worker and app server shares them.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.contrib import admin
from django.db.models import Sum
from django.shortcuts import render


class StaffAxesHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        # One queryset per AXES_LOCKOUT_PARAMETERS entry, already limited to the cool-off.
        by_username, by_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if not get_client_username(request, credentials):
            by_username = 0
        if by_address >= settings.AXES_FAILURE_LIMIT_PER_ADDRESS:
            return max(by_username, settings.AXES_FAILURE_LIMIT)
        return by_username


def lockout_response(request, original_response=None, credentials=None):
    cool_off = get_cool_off(request)
    context = {
        **admin.site.each_context(request),
        "cooloff_minutes": int(cool_off.total_seconds() // 60) if cool_off else 0,
    }
    return render(request, "staff/lockout.html", context, status=429)
