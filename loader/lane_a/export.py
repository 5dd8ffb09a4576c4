"""Lane A's ready queue as an export: bit.v_reactivation_ready, best first."""

from __future__ import annotations

import psycopg

from loader.queue_export import QueueSpec

COLUMNS = [
    "person_name", "company_name", "recommended_channel", "email", "linkedin_url", "job_title",
    "tier", "bit_score", "bit_reason_codes", "message_subject", "message_opening",
    "message_variant_id", "meeting_date", "meeting_type", "meeting_outcome", "stalled_reason",
    "days_since_meeting", "touches_since_meeting", "last_touched_at", "first_name", "last_name",
    "company_domain", "reactivation_bit_id", "appointment_uid", "people_id", "company_id",
    "outreach_id", "source_record_id", "computed_at",
]  # fmt: skip

LEAD_FIELDS = {
    "key": "appointment_uid",
    "bit_id": "reactivation_bit_id",
    "score": "bit_score",
    "tier": "tier",
    "variant": "message_variant_id",
    "channel": "recommended_channel",
    "email": "email",
    "linkedin_url": "linkedin_url",
    "first_name": "first_name",
    "last_name": "last_name",
    "full_name": "person_name",
    "company_name": "company_name",
    "company_domain": "company_domain",
    "job_title": "job_title",
    "subject": "message_subject",
    "opening": "message_opening",
}


def _record_touches(conn: psycopg.Connection, rows: list[dict], actor: str) -> int:
    # The score, tier and variant the row had when it left: what the outcomes measure.
    cursor = conn.execute(
        """
        insert into sales.reactivation_touches (appointment_uid, channel, actor, note, event,
            message_variant_id, score_at_touch, tier_at_touch, tool)
        select uid, channel::"bit".reactivation_channel_enum, %s, 'exported from the ready queue',
               'sent', variant, score, tier, 'export'
        from unnest(%s::text[], %s::text[], %s::text[], %s::numeric[], %s::text[])
            as exported (uid, channel, variant, score, tier)
        """,
        (
            actor,
            [row["appointment_uid"] for row in rows],
            [str(row["recommended_channel"]) for row in rows],
            [row["message_variant_id"] for row in rows],
            [row["bit_score"] for row in rows],
            [row["tier"] for row in rows],
        ),
    )
    return cursor.rowcount


READY_QUEUE = QueueSpec(
    lane="lane_a",
    view="bit.v_reactivation_ready",
    intent="bit.reactivation_intent",
    columns=COLUMNS,
    order_by="bit_score desc, meeting_date desc, appointment_uid",
    lead_fields=LEAD_FIELDS,
    record_touches=_record_touches,
)
