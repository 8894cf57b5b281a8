"""A donor anonymised after the retention period, or erased, keeps no statement naming them."""

from django.dispatch import receiver

from annual_statements.documents import statements_erase_documents
from retention.base import donor_records_clear


@receiver(donor_records_clear, dispatch_uid="annual_statements.erase_documents")
def documents_erase(sender, *, donor_ids: list[int], **kwargs) -> None:
    statements_erase_documents(donor_ids)
