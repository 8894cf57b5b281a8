"""Erasure requests in the admin: a record only, holding no personal data."""

from django.contrib import admin

from crowdfund.admin_base import ReadOnlyAdminMixin
from retention.models import ErasureRequest


@admin.register(ErasureRequest)
class ErasureRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["requested_at", "donor", "outcome", "gifts_anonymised", "completed_at"]
    fields = ["donor", "requested_at", "completed_at", "outcome", "gifts_anonymised"]
    readonly_fields = fields
    list_select_related = ["donor"]
