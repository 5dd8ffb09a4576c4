"""The Lane B templates: the partner master and partner meetings as people fill them."""

from __future__ import annotations

from loader.sheets.column import Column

PARTNER_STATUSES = ("prospect", "contacted", "engaged", "partner")
MEETING_TYPES = ("intro", "followup")
OUTCOMES = ("warm", "neutral", "cold")

PARTNER_COLUMNS = [
    Column("fractional_cfo_id", "uuid",
           "Leave empty for a new partner; fill in to update a known one.", "",
           note="optional: matches by id, else email, else LinkedIn, else firm + contact"),
    Column("firm_name", "text", "Partner firm name.", "Ledgerline CFO Partners", required=True),
    Column("primary_contact_name", "text", "Main contact at the firm.", "Dana Whitfield",
           required=True),
    Column("linkedin_url", "linkedin", "LinkedIn profile (linkedin.com).",
           "https://www.linkedin.com/in/dana-whitfield"),
    Column("email", "email", "Contact email (stored lower-case).", "dana@ledgerline.com"),
    Column("geography", "text", "Operating region.", "Mid-Atlantic"),
    Column("niche_focus", "text", "Industry focus.", "Healthcare"),
    Column("source", "text", "Where the partner came from.", "Referral", required=True),
    Column("status", "enum", "Partner lifecycle (new partners default to prospect).",
           "prospect", allowed=PARTNER_STATUSES),
]  # fmt: skip

MEETING_COLUMNS = [
    Column("fractional_cfo_id", "uuid", "The partner met (id from the partner master).", "",
           note="or partner_email, or linkedin_url, when the id is not known"),
    Column("partner_email", "email", "The partner's email, when the id is not known.",
           "dana@ledgerline.com"),
    Column("linkedin_url", "linkedin", "The partner's LinkedIn URL, if id and email are unknown.",
           ""),
    Column("meeting_date", "date", "Date of the meeting (not in the future).", "2026-10-02",
           required=True, past_only=True),
    Column("meeting_type", "enum", "intro or followup.", "intro", required=True,
           allowed=MEETING_TYPES),
    Column("outcome", "enum", "How it went.", "warm", required=True, allowed=OUTCOMES),
    Column("notes", "text", "Anything worth remembering.", "Wants two intros a quarter"),
]  # fmt: skip
