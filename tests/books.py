"""Setting up a state the payment path would take many steps to reach."""

from django.db import models


def set_around_the_books(queryset, **values) -> int:
    """An UPDATE that goes around the journal and the running totals, which the ledger's own
    querysets refuse (ledger.models.counted): for a test that only needs a row in some state
    and reads nothing the totals hold."""
    return models.QuerySet.update(queryset, **values)
