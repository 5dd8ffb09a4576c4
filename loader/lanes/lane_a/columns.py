"""The Lane A template: past meetings and who they were with, as people fill them."""

from __future__ import annotations

from loader.sheets.column import Column

MEETING_TYPES = ("discovery", "systems", "numbers", "other")
MEETING_OUTCOMES = ("progressed", "stalled", "ghosted", "lost")
SOURCES = ("calendar", "crm", "manual")

MEETING_COLUMNS = [
    Column("crm_person_id", "id", "The person's id in your CRM (HubSpot, Salesforce, Pipedrive).",
           "0035e00000XyZ12AAB",
           note="with crm_company_id, email, company_domain, people_id or company_id: say who "
                "the prospect is"),
    Column("person_name", "text", "Full name of the person you met.", "Dana Whitfield"),
    Column("first_name", "text", "First name (default: the first word of person_name).", ""),
    Column("last_name", "text", "Last name (default: the rest of person_name).", ""),
    Column("email", "email", "The person's email (stored lower-case).", "dana@northwind.com"),
    Column("linkedin_url", "linkedin", "The person's LinkedIn profile.",
           "linkedin.com/in/dana-whitfield"),
    Column("job_title", "text", "The person's job title.", "CFO"),
    Column("phone", "text", "The person's phone number, as the CRM writes it.", ""),
    Column("crm_company_id", "id", "The company's id in your CRM.", "0015e00000AbC34AAD"),
    Column("company_name", "text", "Company name.", "Northwind Traders"),
    Column("company_domain", "domain", "The company's web domain.", "northwind.com"),
    Column("company_id", "uuid", "Company of the prospect, if you already have a UUID for it.",
           "", note="optional: derived from crm_company_id, else company_domain"),
    Column("people_id", "uuid", "Person you met, if you already have a UUID for them.", "",
           note="optional: derived from crm_person_id, else email"),
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
    Column("source_record_id", "id", "Id of the meeting in the CRM or calendar.",
           "CRM-000123"),
    Column("outreach_id", "uuid", "Outreach record in the wider system (analytics only).", ""),
]  # fmt: skip

# The person and company fields that go to the prospect directory, not to the meeting.
PERSON_FIELDS = ["person_name", "first_name", "last_name", "email", "linkedin_url", "job_title",
                 "crm_person_id", "phone"]  # fmt: skip
COMPANY_FIELDS = ["company_name", "company_domain", "crm_company_id"]

# How a prospect is identified, for the template's help sheet.
IDENTIFICATION = [
    "Who is the prospect? Either way works, and next week's file for the same people maps to the "
    "same ids:",
    "1. From a CRM export: crm_person_id (or the email) names the person, crm_company_id (or the "
    "company_domain) the company. The loader derives stable ids from them.",
    "2. With your own ids: people_id and company_id as UUIDs.",
    "Names, emails and LinkedIn URLs go to the prospect directory (the latest file wins), so the "
    "queue says who to contact and how.",
]

# The columns that define a stored meeting; the same uid with other values is a conflict,
# unless only REVISABLE_COLUMNS differ: then the file revises the stored meeting.
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

# What a CRM changes about a meeting after the fact: a re-export with other values here
# records a revision (sales.appointment_revisions); the meeting row is never updated.
REVISABLE_COLUMNS = ["meeting_type", "meeting_outcome", "stalled_reason"]
