"""lemlist (email and LinkedIn).

Lead import — the Lead object, developer.lemlist.com/api-reference/objects-definitions/lead
(email, firstName, lastName, companyName, companyDomain, jobTitle, linkedinUrl, phone,
icebreaker); any other CSV column becomes a custom variable.

Activity — GET /api/activities and the activity export: `type` (emailsSent,
emailsReplied, emailsBounced, emailsUnsubscribed, linkedinSent, linkedinInviteDone,
linkedinReplied, ...), `createdAt`, `leadEmail`, plus the lead's custom variables at the
top level (help.lemlist.com "Use the API to list activity types": "Plus all custom
variables from your lead"). The current API also nests the lead:
`lead.variables.{email, linkedinUrl, <custom>}` (developer.lemlist.com/api-reference/
endpoints/activities/get-many-activities; linkedinUrl is one of a lead's default
variables, developer.lemlist.com .../leads/add-lead-variables), flattened as a
spreadsheet writes them.
"""

from loader.outreach.tools import Tool, our_fields_back

TOOL = Tool(
    name="lemlist",
    label="lemlist",
    channels=("email", "linkedin"),
    lead_columns=(
        ("email", "email"), ("firstName", "first_name"), ("lastName", "last_name"),
        ("companyName", "company_name"), ("companyDomain", "company_domain"),
        ("jobTitle", "job_title"), ("linkedinUrl", "linkedin_url"), ("phone", "phone"),
        ("icebreaker", "opening"),
    ),
    activity_columns={
        "type": "event", "createdat": "touched_at", **our_fields_back(),
        **our_fields_back("lead.variables."), "leademail": "email", "lead.variables.email": "email",
        "linkedinurl": "linkedin_url", "lead.variables.linkedinurl": "linkedin_url",
    },
    events={
        "emailssent": ("sent", "email"), "emailsreplied": ("replied", "email"),
        "emailsbounced": ("bounced", "email"), "emailsunsubscribed": ("unsubscribed", "email"),
        "linkedinsent": ("sent", "linkedin"), "linkedininvitedone": ("sent", "linkedin"),
        "linkedinreplied": ("replied", "linkedin"),
    },
    recognised_by=frozenset({"createdat", "type"}),
)  # fmt: skip
