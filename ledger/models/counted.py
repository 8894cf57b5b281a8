"""Ledger rows that the running totals follow, whoever writes them (ledger/running_totals.py)."""

from django.db import models, transaction
from django.db.models import Q

from ledger.running_totals import ledger_row_saved, ledger_row_saving, ledger_rows_created


class LedgerWriteRefused(Exception):
    """A write that would move money around the journal and the running totals."""


class CountedQuerySet(models.QuerySet):
    def update(self, **kwargs):
        # A bulk UPDATE writes no journal entry: the money would move in the ledger only.
        money = self.model.TOTALS_FIELDS.intersection(kwargs)
        if money:
            raise LedgerWriteRefused(
                f"{self.model.__name__}: {', '.join(sorted(money))} change only through "
                "save(), which keeps the journal and the running totals."
            )
        return super().update(**kwargs)

    def delete(self):
        # Nor does a bulk DELETE; and the books are corrected with new entries, not erased.
        if self.filter(self.model.COUNTED).exists():
            raise LedgerWriteRefused(
                f"{self.model.__name__}: rows that count in the books are never deleted in bulk."
            )
        return super().delete()

    def bulk_create(self, objs, *args, **kwargs):
        if kwargs.get("ignore_conflicts") or kwargs.get("update_conflicts"):
            # The totals could not tell which rows were written.
            raise ValueError("Ledger rows are never created over a conflict.")
        objs = list(objs)
        with transaction.atomic():
            created = super().bulk_create(objs, *args, **kwargs)
            ledger_rows_created(created)
        return created


class CountedInTotals(models.Model):
    """A ledger row whose money the running totals follow, in the same transaction.

    Subclasses say what they add (`totals_entries`), what a year's published accounts read of
    them (`books_entry`), and which fields can change either (`TOTALS_FIELDS`); a save of
    other fields only (a treasurer's note, a message's review) leaves the totals alone. A
    queryset's update() of those fields, or delete() of rows that count, is refused: it would
    bypass the journal.
    """

    TOTALS_FIELDS: frozenset[str] = frozenset()
    # The rows that count in the books (every one, but for gifts: the paid ones).
    COUNTED = Q()
    # The journal's name for this kind of row (ledger.journal.SOURCES).
    JOURNAL_SOURCE = ""
    # A gift: its donor is linked and counted when it is paid (see running_totals).
    IS_GIFT = False

    objects = CountedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and not self.TOTALS_FIELDS.intersection(update_fields):
            return super().save(*args, **kwargs)
        with transaction.atomic():
            before = None if self._state.adding else self._stored()
            self.check_change(before)
            if update_fields is not None:
                kwargs["update_fields"] = ledger_row_saving(self, update_fields)
            else:
                ledger_row_saving(self, None)
            super().save(*args, **kwargs)
            ledger_row_saved(before=before, after=self)

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            before = self._stored()
            deleted = super().delete(*args, **kwargs)
            ledger_row_saved(before=before, after=None)
        return deleted

    def check_change(self, before) -> None:
        """Raise LedgerWriteRefused for a change this kind of row never makes."""

    def journal_lines(self) -> list:
        """The `ledger.journal.Line`s this row moves as it stands."""
        raise NotImplementedError

    def books_entry(self):
        """A `ledger.entries.BooksEntry`, or None when the row is not in the books."""
        raise NotImplementedError

    def _stored(self):
        # What the totals hold is what the database holds, whatever this instance was loaded
        # with; read under lock, so nothing changes it between this read and the write.
        return type(self)._base_manager.select_for_update().filter(pk=self.pk).first()
