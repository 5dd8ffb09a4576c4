"""The lead-import formats of the outreach tools, one small mapping per tool.

Each maps the tool's documented column names to a lane's lead fields (see
`LeadFields` in loader/outreach/queue_export.py); our ids, score, tier and variant go
along as the tool's custom fields (`lanes_*` columns), so the tool's activity
export can be matched back without a manual step. Sources:

* lemlist — the Lead object: https://developer.lemlist.com/api-reference/objects-definitions/lead
  (email, firstName, lastName, companyName, companyDomain, jobTitle,
  linkedinUrl, icebreaker); any other CSV column becomes a custom variable.
* Instantly — the lead: https://developer.instantly.ai/api-reference/lead
  (email, first_name, last_name, company_name, job_title, website,
  personalization); other columns become custom variables.
* HeyReach — the lead object of its public API (api.heyreach.io/api/public,
  campaign/AddLeadsToCampaignV2): profileUrl, firstName, lastName, companyName,
  position, emailAddress, location, summary, about, and customUserFields (name/value
  pairs; in a CSV, one column each).
* Smartlead — the lead of its API's "add leads to a campaign" (api.smartlead.ai,
  lead_list): email, first_name, last_name, company_name, website, linkedin_profile,
  phone_number, location, custom_fields (in a CSV, one column each).
"""

from __future__ import annotations

from dataclasses import dataclass, field

GENERIC = "generic"

# The channels both lanes send on (each lane's channel enum has these labels).
CHANNELS = ("email", "linkedin")


@dataclass(frozen=True)
class ToolFormat:
    name: str
    channels: tuple[str, ...]  # what the tool sends on; other rows are left out
    columns: tuple[tuple[str, str], ...]  # (the tool's column, our lead field)


# Our own fields, added after the tool's columns as custom fields.
CUSTOM_FIELDS = (
    ("lanes_lane", "lane"),
    ("lanes_key", "key"),
    ("lanes_bit_id", "bit_id"),
    ("lanes_score", "score"),
    ("lanes_tier", "tier"),
    ("lanes_variant", "variant"),
    ("lanes_channel", "channel"),
    ("lanes_subject", "subject"),
)

FORMATS = {
    "lemlist": ToolFormat(
        "lemlist",
        ("email", "linkedin"),
        (
            ("email", "email"),
            ("firstName", "first_name"),
            ("lastName", "last_name"),
            ("companyName", "company_name"),
            ("companyDomain", "company_domain"),
            ("jobTitle", "job_title"),
            ("linkedinUrl", "linkedin_url"),
            ("phone", "phone"),
            ("icebreaker", "opening"),
        ),
    ),
    "instantly": ToolFormat(
        "instantly",
        ("email",),
        (
            ("email", "email"),
            ("first_name", "first_name"),
            ("last_name", "last_name"),
            ("company_name", "company_name"),
            ("job_title", "job_title"),
            ("website", "company_domain"),
            ("phone", "phone"),
            ("personalization", "opening"),
        ),
    ),
    "heyreach": ToolFormat(
        "heyreach",
        ("linkedin",),
        (
            ("profileUrl", "linkedin_url"),
            ("firstName", "first_name"),
            ("lastName", "last_name"),
            ("companyName", "company_name"),
            ("position", "job_title"),
            ("emailAddress", "email"),
            ("message_opening", "opening"),
        ),
    ),
    "smartlead": ToolFormat(
        "smartlead",
        ("email",),
        (
            ("email", "email"),
            ("first_name", "first_name"),
            ("last_name", "last_name"),
            ("company_name", "company_name"),
            ("website", "company_domain"),
            ("linkedin_profile", "linkedin_url"),
            ("phone_number", "phone"),
            ("message_opening", "opening"),
        ),
    ),
}

FORMAT_NAMES = (GENERIC, *FORMATS)

# The address a row needs on each channel.
ADDRESS_FIELD = {"email": "email", "linkedin": "linkedin_url"}


def left_out_reason(tool: ToolFormat, lead: dict[str, object]) -> str | None:
    """Why `tool` cannot take this lead (None when it can)."""
    channel = str(lead["channel"])
    if channel not in tool.channels:
        return f"recommended channel is {channel}, which {tool.name} does not send on"
    if not lead.get(ADDRESS_FIELD[channel]):
        return "no email address" if channel == "email" else "no LinkedIn URL"
    return None


def tool_row(tool: ToolFormat, lead: dict[str, object]) -> list[object]:
    return [lead.get(field) for _, field in tool.columns] + [
        lead.get(field) for _, field in CUSTOM_FIELDS
    ]


def tool_columns(tool: ToolFormat) -> list[str]:
    return [name for name, _ in tool.columns] + [name for name, _ in CUSTOM_FIELDS]


# ---- what comes back: the tools' activity exports ----
#
# Each maps the tool's documented activity columns (as read: lower-case, spaces
# to _) to our activity fields, and its event names to (our event, channel).
# Events we do not track (opens, clicks, profile visits, ...) are skipped and
# counted. Our lanes_* custom fields come back as the tool's lead variables.
# Sources:
# * lemlist — activities (GET /api/activities and the activity export): `type`
#   (emailsSent, emailsReplied, emailsBounced, emailsUnsubscribed, linkedinSent,
#   linkedinInviteDone, linkedinReplied, ...), `createdAt`, `leadEmail`, plus the
#   lead's custom variables at the top level (help.lemlist.com "Use the API to list
#   activity types": "Plus all custom variables from your lead"). The current API
#   also nests the lead: `lead.variables.{email, linkedinUrl, <custom>}`
#   (developer.lemlist.com/api-reference/endpoints/activities/get-many-activities;
#   linkedinUrl is one of a lead's default variables, developer.lemlist.com
#   .../leads/add-lead-variables). Flattened as a spreadsheet writes them; the first
#   filled of a field's columns wins.
# * Instantly — webhook / event fields: `timestamp`, `event_type` (email_sent,
#   reply_received, email_bounced, lead_unsubscribed, ...), `lead_email`, plus the
#   lead's data. developer.instantly.ai/webhook-events. Also its lead-list export
#   (the Lead object, developer.instantly.ai/api-reference/schemas/lead): `email`,
#   `timestamp_updated` and a numeric `status` — 1 active, 2 paused, 3 completed,
#   -1 bounced, -2 unsubscribed, -3 skipped; only -1 and -2 are events for us. The
#   lead's custom variables are its `payload` object (same schema: "Lead custom
#   variables"), flattened as `payload.lanes_key`, ...; a webhook merges them at the
#   top level.
# * HeyReach — webhook events: `eventType` (MESSAGE_SENT, INMAIL_SENT,
#   CONNECTION_REQUEST_SENT, MESSAGE_REPLY_RECEIVED, INMAIL_REPLY_RECEIVED,
#   EVERY_MESSAGE_REPLY_RECEIVED, ...), `timestamp`, `leadProfile` (linkedInUrl,
#   emailAddress); flattened as a spreadsheet writes them. EVERY_MESSAGE_REPLY_RECEIVED
#   repeats a reply MESSAGE_REPLY_RECEIVED / INMAIL_REPLY_RECEIVED already reports:
#   for a lead with one of those in the file it is left out (a reply counts once).
# * Smartlead — webhook events (help.smartlead.ai "Webhook Guide"; api.smartlead.ai
#   /api-reference/webhooks/events): `event_type` EMAIL_SENT, FIRST_EMAIL_SENT,
#   EMAIL_REPLY (EMAIL_REPLIED), EMAIL_BOUNCE (EMAIL_BOUNCED), LEAD_UNSUBSCRIBED
#   (EMAIL_UNSUBSCRIBED); the time in `event_timestamp` (older payloads: `time_sent`,
#   `time_replied`; the API's: `timestamp`); the lead in `to_email` (older:
#   `lead_email`; the API's: `lead.email`), custom fields in `lead.custom_fields.*`.

EVENTS = ("sent", "replied", "bounced", "unsubscribed")

# Our custom fields coming back, for every tool (see CUSTOM_FIELDS above).
_OUR_FIELDS_BACK = {
    "lanes_key": "key",
    "lanes_bit_id": "bit_id",
    "lanes_variant": "message_variant_id",
    # What the row left with: the score at the touch when no export recorded it.
    "lanes_score": "score",
    "lanes_tier": "tier",
}


@dataclass(frozen=True)
class ActivityFormat:
    name: str
    # The tool's column, as read -> our activity field. Several columns may give one
    # field (a nested and a flat form): the first filled one, in this order, wins.
    columns: dict[str, str]
    events: dict[str, tuple[str, str]]  # the tool's event (lower-case) -> (event, channel)
    # Events that repeat another one for the same lead: left out when the file has
    # that other event for the lead ({repeating event: the events it repeats}).
    repeats: dict[str, tuple[str, ...]] = field(default_factory=dict)


ACTIVITY_FORMATS = {
    "lemlist": ActivityFormat(
        "lemlist",
        {
            "type": "event",
            "createdat": "touched_at",
            **_OUR_FIELDS_BACK,
            **{f"lead.variables.{name}": field for name, field in _OUR_FIELDS_BACK.items()},
            "leademail": "email",
            "lead.variables.email": "email",
            "linkedinurl": "linkedin_url",
            "lead.variables.linkedinurl": "linkedin_url",
        },
        {
            "emailssent": ("sent", "email"),
            "emailsreplied": ("replied", "email"),
            "emailsbounced": ("bounced", "email"),
            "emailsunsubscribed": ("unsubscribed", "email"),
            "linkedinsent": ("sent", "linkedin"),
            "linkedininvitedone": ("sent", "linkedin"),
            "linkedinreplied": ("replied", "linkedin"),
        },
    ),
    "instantly": ActivityFormat(
        "instantly",
        {
            "event_type": "event",
            # The lead-list export: its numeric status is the event (see the events).
            "status": "event",
            "timestamp": "touched_at",
            "timestamp_updated": "touched_at",
            "lead_email": "email",
            "email": "email",
            **_OUR_FIELDS_BACK,
            **{f"payload.{name}": field for name, field in _OUR_FIELDS_BACK.items()},
        },
        {
            "email_sent": ("sent", "email"),
            "reply_received": ("replied", "email"),
            "email_bounced": ("bounced", "email"),
            "lead_unsubscribed": ("unsubscribed", "email"),
            "-1": ("bounced", "email"),
            "-2": ("unsubscribed", "email"),
        },
    ),
    "heyreach": ActivityFormat(
        "heyreach",
        {
            "eventtype": "event",
            "timestamp": "touched_at",
            "leadprofile.linkedinurl": "linkedin_url",
            "leadprofile.emailaddress": "email",
            **_OUR_FIELDS_BACK,
        },
        {
            "message_sent": ("sent", "linkedin"),
            "inmail_sent": ("sent", "linkedin"),
            "connection_request_sent": ("sent", "linkedin"),
            "message_reply_received": ("replied", "linkedin"),
            "inmail_reply_received": ("replied", "linkedin"),
            "every_message_reply_received": ("replied", "linkedin"),
        },
        repeats={
            "every_message_reply_received": (
                "message_reply_received",
                "inmail_reply_received",
            )
        },
    ),
    "smartlead": ActivityFormat(
        "smartlead",
        {
            "event_type": "event",
            "event_timestamp": "touched_at",
            "time_sent": "touched_at",
            "time_replied": "touched_at",
            "timestamp": "touched_at",
            "to_email": "email",
            "lead_email": "email",
            "lead.email": "email",
            **_OUR_FIELDS_BACK,
            **{f"lead.custom_fields.{name}": f for name, f in _OUR_FIELDS_BACK.items()},
        },
        {
            "email_sent": ("sent", "email"),
            "first_email_sent": ("sent", "email"),
            "email_reply": ("replied", "email"),
            "email_replied": ("replied", "email"),
            "email_bounce": ("bounced", "email"),
            "email_bounced": ("bounced", "email"),
            "lead_unsubscribed": ("unsubscribed", "email"),
            "email_unsubscribed": ("unsubscribed", "email"),
        },
    ),
}

TOOL_NAMES = (GENERIC, *ACTIVITY_FORMATS)
