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

Lead export — a campaign's leads with their state (Leads > Export, or the API's
GET /campaigns/{id}/leads-export, "Export data from a campaign", api.smartlead.ai): id,
campaign_lead_map_id, status (STARTED, INPROGRESS, COMPLETED, PAUSED, BLOCKED), category,
is_interested, created_at, first_name, last_name, email, ..., custom_fields (a JSON object
of the lead's custom fields: our lanes_* come back there), linkedin_profile,
is_unsubscribed, last_email_sequence_sent, open_count, click_count, reply_count. Read as:
reply_count above 0 -> replied; is_unsubscribed true or status BLOCKED (the lead is on a
block list) -> unsubscribed. It has no bounce column.
"""

from loader.outreach.tools import LeadExport, LeadSignal, Tool, our_fields_back

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
    lead_export=LeadExport(
        recognised_by=frozenset({"campaign_lead_map_id", "is_unsubscribed", "reply_count"}),
        email=("email",),
        linkedin_url=("linkedin_profile",),
        signals=(
            LeadSignal("replied", "reply_count", "count"),
            LeadSignal("unsubscribed", "is_unsubscribed", "true"),
            LeadSignal("unsubscribed", "status", "is", ("blocked",)),
        ),
        our_fields={"custom_fields": "json"},
    ),
)  # fmt: skip
