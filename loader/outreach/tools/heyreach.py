"""HeyReach (LinkedIn).

Lead import — the lead object of its public API (api.heyreach.io/api/public,
campaign/AddLeadsToCampaignV2): profileUrl, firstName, lastName, companyName, position,
emailAddress, location, summary, about, and customUserFields (name/value pairs; in a
CSV, one column each).

Activity — webhook events: `eventType` (MESSAGE_SENT, INMAIL_SENT,
CONNECTION_REQUEST_SENT, MESSAGE_REPLY_RECEIVED, INMAIL_REPLY_RECEIVED,
EVERY_MESSAGE_REPLY_RECEIVED, ...), `timestamp`, `leadProfile` (linkedInUrl,
emailAddress), flattened as a spreadsheet writes them. EVERY_MESSAGE_REPLY_RECEIVED
repeats a reply MESSAGE_REPLY_RECEIVED / INMAIL_REPLY_RECEIVED already reports: for a
lead with one of those in the file it is left out (a reply counts once).
"""

from loader.outreach.tools import Tool, our_fields_back

TOOL = Tool(
    name="heyreach",
    label="HeyReach",
    channels=("linkedin",),
    lead_columns=(
        ("profileUrl", "linkedin_url"), ("firstName", "first_name"), ("lastName", "last_name"),
        ("companyName", "company_name"), ("position", "job_title"), ("emailAddress", "email"),
        ("message_opening", "opening"),
    ),
    activity_columns={
        "eventtype": "event", "timestamp": "touched_at", "leadprofile.linkedinurl": "linkedin_url",
        "leadprofile.emailaddress": "email", **our_fields_back(),
    },
    events={
        "message_sent": ("sent", "linkedin"), "inmail_sent": ("sent", "linkedin"),
        "connection_request_sent": ("sent", "linkedin"),
        "message_reply_received": ("replied", "linkedin"),
        "inmail_reply_received": ("replied", "linkedin"),
        "every_message_reply_received": ("replied", "linkedin"),
    },
    recognised_by=frozenset({"eventtype"}),
    repeats={
        "every_message_reply_received": ("message_reply_received", "inmail_reply_received"),
    },
)  # fmt: skip
