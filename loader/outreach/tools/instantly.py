"""Instantly (email).

Lead import — the lead, developer.instantly.ai/api-reference/lead (email, first_name,
last_name, company_name, job_title, website, phone, personalization); other columns
become custom variables.

Activity — webhook / event fields, developer.instantly.ai/webhook-events: `timestamp`,
`event_type` (email_sent, reply_received, email_bounced, lead_unsubscribed, ...),
`lead_email`, plus the lead's data. Also its lead-list export (the Lead object,
developer.instantly.ai/api-reference/schemas/lead): `email`, `timestamp_updated` and a
numeric `status` — 1 active, 2 paused, 3 completed, -1 bounced, -2 unsubscribed,
-3 skipped; only -1 and -2 are events for us. The lead's custom variables are its
`payload` object (same schema: "Lead custom variables"), flattened as
`payload.lanes_key`, ...; a webhook merges them at the top level.

The same lead list read as a lead export when it carries the Lead object's reply count
(`email_reply_count`, developer.instantly.ai/api-reference/schemas/lead): a count above 0
-> replied (its status then says -1 bounced, -2 unsubscribed as above).
"""

from loader.outreach.tools import OUR_FIELDS_BACK, LeadExport, LeadSignal, Tool, our_fields_back

TOOL = Tool(
    name="instantly",
    label="Instantly",
    channels=("email",),
    lead_columns=(
        ("email", "email"), ("first_name", "first_name"), ("last_name", "last_name"),
        ("company_name", "company_name"), ("job_title", "job_title"), ("website", "company_domain"),
        ("phone", "phone"), ("personalization", "opening"),
    ),
    activity_columns={
        # `status` is the lead-list export's numeric status: the event (see the events).
        "event_type": "event", "status": "event", "timestamp": "touched_at",
        "timestamp_updated": "touched_at", "lead_email": "email", "email": "email",
        **our_fields_back(), **our_fields_back("payload."),
    },
    events={
        "email_sent": ("sent", "email"), "reply_received": ("replied", "email"),
        "email_bounced": ("bounced", "email"), "lead_unsubscribed": ("unsubscribed", "email"),
        "-1": ("bounced", "email"), "-2": ("unsubscribed", "email"),
    },
    recognised_by=frozenset({"event_type", "timestamp"}),
    lead_export=LeadExport(
        recognised_by=frozenset({"email_reply_count", "status"}),
        email=("email",),
        at=("timestamp_updated",),
        signals=(
            LeadSignal("replied", "email_reply_count", "count"),
            LeadSignal("bounced", "status", "is", ("-1",)),
            LeadSignal("unsubscribed", "status", "is", ("-2",)),
        ),
        our_fields={f"payload.{name}": value for name, value in OUR_FIELDS_BACK.items()},
    ),
)  # fmt: skip
