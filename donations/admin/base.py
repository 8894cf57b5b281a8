class ReadOnlyAdminMixin:
    """For records that are facts, not documents: shown to those who may see them, never
    added, changed or deleted by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
