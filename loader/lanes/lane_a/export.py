"""Lane A's ready queue as an export: bit.v_reactivation_ready, best first."""

from __future__ import annotations

from loader.lanes.lane_a import LANE
from loader.lanes.lane_a.touches import TOUCHES
from loader.lanes.spec import QueueSpec

COLUMNS = [
    "person_name", "company_name", "recommended_channel", "email", "linkedin_url", "job_title",
    "tier", "bit_score", "bit_reason_codes", "message_subject", "message_opening",
    "message_variant_id", "meeting_date", "meeting_type", "meeting_outcome", "stalled_reason",
    "days_since_meeting", "touches_since_meeting", "last_touched_at", "first_name", "last_name",
    "company_domain", "reactivation_bit_id", "appointment_uid", "people_id", "company_id",
    "outreach_id", "source_record_id", "computed_at", "phone",
]  # fmt: skip

LEAD_FIELDS = {
    # What a marked row keeps on its touch (see QueueSpec.touches).
    "at_touch": "tier", "reasons": "bit_reason_codes",
    "key": "appointment_uid", "bit_id": "reactivation_bit_id", "score": "bit_score",
    "tier": "tier", "variant": "message_variant_id", "channel": "recommended_channel",
    "email": "email", "linkedin_url": "linkedin_url", "first_name": "first_name",
    "last_name": "last_name", "full_name": "person_name", "company_name": "company_name",
    "company_domain": "company_domain", "job_title": "job_title", "subject": "message_subject",
    "opening": "message_opening", "phone": "phone",
}  # fmt: skip

READY_QUEUE = QueueSpec(
    lane=LANE,
    view="bit.v_reactivation_ready",
    columns=COLUMNS,
    order_by="bit_score desc, meeting_date desc, appointment_uid",
    lead_fields=LEAD_FIELDS,
    touches=TOUCHES,
    record_holdouts="""
        insert into sales.reactivation_holdouts (appointment_uid, people_id, company_id,
            export_run, score_at_holdout, tier_at_holdout)
        select held.appointment_uid, held.people_id, held.company_id,
               current_setting('lanes.correlation_id')::uuid, held.bit_score, held.tier
        from bit.v_reactivation_holdout as held
        where held.held_out_since is null
        on conflict (appointment_uid) do nothing
    """,
)
