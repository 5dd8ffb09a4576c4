"""Smartlead (email).

Lead import — the lead of its API's "add leads to a campaign" (api.smartlead.ai,
lead_list): email, first_name, last_name, company_name, website, linkedin_profile,
phone_number, location, custom_fields (in a CSV, one column each).

Activity — webhook events (help.smartlead.ai "Webhook Guide"; api.smartlead.ai
/api-reference/webhooks/events): `event_type` EMAIL_SENT, FIRST_EMAIL_SENT, EMAIL_REPLY
(EMAIL_REPLIED), EMAIL_BOUNCE (EMAIL_BOUNCED), LEAD_UNSUBSCRIBED (EMAIL_UNSUBSCRIBED);
the time in `event_timestamp` (older payloads: `time_sent`, `time_replied`; the API's:
`timestamp`); the lead in `to_email` (older: `lead_email`; the API's: `lead.email`),
custom fields in `lead.custom_fields.*`.
"""

from loader.outreach.tools import Tool, our_fields_back

TOOL = Tool(
    name="smartlead",
    label="Smartlead",
    channels=("email",),
    lead_columns=(
        ("email", "email"), ("first_name", "first_name"), ("last_name", "last_name"),
        ("company_name", "company_name"), ("website", "company_domain"),
        ("linkedin_profile", "linkedin_url"), ("phone_number", "phone"),
        ("message_opening", "opening"),
    ),
    activity_columns={
        "event_type": "event", "event_timestamp": "touched_at", "time_sent": "touched_at",
        "time_replied": "touched_at", "timestamp": "touched_at", "to_email": "email",
        "lead_email": "email", "lead.email": "email", **our_fields_back(),
        **our_fields_back("lead.custom_fields."),
    },
    events={
        "email_sent": ("sent", "email"), "first_email_sent": ("sent", "email"),
        "email_reply": ("replied", "email"), "email_replied": ("replied", "email"),
        "email_bounce": ("bounced", "email"), "email_bounced": ("bounced", "email"),
        "lead_unsubscribed": ("unsubscribed", "email"),
        "email_unsubscribed": ("unsubscribed", "email"),
    },
    recognised_by=frozenset({"event_timestamp", "event_type"}),
)  # fmt: skip
