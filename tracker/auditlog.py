"""Re-export of tracker.accounts.audit (the audit log's labels and filters) while callers move."""

from tracker.accounts.audit import (  # noqa: F401
    AuditFilter,
    EVENT_KINDS,
    audit_rows,
    event_label,
    filter_entries,
    kind_label,
    kind_of,
    names_unit,
)
