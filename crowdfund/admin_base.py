from django.contrib import admin


class ReadOnlyAdminMixin:
    """For records that are facts, not documents: shown to those who may see them, never
    added, changed or deleted by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """The facts recorded under a record (its history, refunds, gifts): listed, never edited."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
