"""The Lane A template: columns of sales.appointment_history as people fill them."""

from __future__ import annotations

from loader.cells import Column

MEETING_TYPES = ("discovery", "systems", "numbers", "other")
MEETING_OUTCOMES = ("progressed", "stalled", "ghosted", "lost")
SOURCES = ("calendar", "crm", "manual")

MEETING_COLUMNS = [
    Column("company_id", "uuid", "Company of the prospect (UUID from company_master).",
           "3f2b8c1e-9d4a-4b7e-8f00-2a1c5e6d7b90",
           note="company_id or people_id (or both) is required"),
    Column("people_id", "uuid", "Person you met (UUID from people_master).",
           "9a1d2c3b-4e5f-4a6b-8c7d-0e1f2a3b4c5d",
           note="company_id or people_id (or both) is required"),
    Column("meeting_date", "date", "Date of the meeting (not in the future).", "2026-09-15",
           required=True, past_only=True),
    Column("meeting_type", "enum", "What kind of meeting it was.", "numbers",
           required=True, allowed=MEETING_TYPES),
    Column("meeting_outcome", "enum", "How it ended.", "stalled",
           required=True, allowed=MEETING_OUTCOMES),
    Column("stalled_reason", "text", "Why it stalled, in the prospect's words.",
           "Budget frozen until next quarter", note="required if meeting_outcome = stalled"),
    Column("source", "enum", "Where the record came from (default: manual).", "crm",
           allowed=SOURCES, default="manual"),
    Column("source_record_id", "text", "Id of the meeting in the CRM or calendar.",
           "CRM-000123"),
    Column("outreach_id", "uuid", "Outreach record in the wider system (analytics only).", ""),
]  # fmt: skip

# The columns that define a stored meeting; the same uid with other values is a conflict.
VALUE_COLUMNS = [
    "company_id",
    "people_id",
    "outreach_id",
    "meeting_date",
    "meeting_type",
    "meeting_outcome",
    "stalled_reason",
    "source",
    "source_record_id",
]
