"""Lane B's ready queue as an export: bit.v_partner_outreach_ready, best first."""

from __future__ import annotations

from loader.lanes.lane_b import LANE
from loader.lanes.lane_b.touches import TOUCHES
from loader.lanes.spec import QueueSpec

COLUMNS = [
    "primary_contact_name", "firm_name", "recommended_next_action", "recommended_channel",
    "email", "linkedin_url", "leverage_score", "leverage_factors", "message_subject",
    "message_opening", "message_variant_id", "geography", "niche_focus", "partner_status",
    "last_meeting_date", "last_meeting_type", "last_meeting_outcome", "days_since_last_meeting",
    "total_meetings", "touches_since_last_meeting", "last_touched_at", "first_name", "last_name",
    "partner_bit_id", "fractional_cfo_id", "computed_at",
]  # fmt: skip

# A partner has no tier, company domain or job title: tools get those columns empty.
LEAD_FIELDS = {
    # What a marked row keeps on its touch (see QueueSpec.touches).
    "at_touch": "recommended_next_action", "reasons": "leverage_factors",
    "key": "fractional_cfo_id", "bit_id": "partner_bit_id", "score": "leverage_score",
    "variant": "message_variant_id", "channel": "recommended_channel", "email": "email",
    "linkedin_url": "linkedin_url", "first_name": "first_name", "last_name": "last_name",
    "full_name": "primary_contact_name", "company_name": "firm_name",
    "subject": "message_subject", "opening": "message_opening",
    "next_action": "recommended_next_action",
}  # fmt: skip

READY_QUEUE = QueueSpec(
    lane=LANE,
    view="bit.v_partner_outreach_ready",
    columns=COLUMNS,
    order_by="leverage_score desc, firm_name, fractional_cfo_id",
    lead_fields=LEAD_FIELDS,
    touches=TOUCHES,
    record_holdouts="""
        insert into partners.partner_holdouts (fractional_cfo_id, export_run,
            score_at_holdout, next_action_at_holdout)
        select held.fractional_cfo_id, current_setting('lanes.correlation_id')::uuid,
               held.leverage_score, held.recommended_next_action::text
        from bit.v_partner_holdout as held
        where held.held_out_since is null
        on conflict (fractional_cfo_id) do nothing
    """,
)
