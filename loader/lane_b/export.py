"""Lane B's ready queue as an export: bit.v_partner_outreach_ready, best first."""

from __future__ import annotations

import psycopg

from loader.queue_export import QueueSpec

COLUMNS = [
    "primary_contact_name", "firm_name", "recommended_next_action", "recommended_channel",
    "email", "linkedin_url", "leverage_score", "leverage_factors", "message_subject",
    "message_opening", "message_variant_id", "geography", "niche_focus", "partner_status",
    "last_meeting_date", "last_meeting_type", "last_meeting_outcome", "days_since_last_meeting",
    "total_meetings", "touches_since_last_meeting", "last_touched_at", "first_name", "last_name",
    "partner_bit_id", "fractional_cfo_id", "computed_at",
]  # fmt: skip

LEAD_FIELDS = {
    "key": "fractional_cfo_id",
    "bit_id": "partner_bit_id",
    "score": "leverage_score",
    "tier": None,
    "variant": "message_variant_id",
    "channel": "recommended_channel",
    "email": "email",
    "linkedin_url": "linkedin_url",
    "first_name": "first_name",
    "last_name": "last_name",
    "full_name": "primary_contact_name",
    "company_name": "firm_name",
    "company_domain": None,
    "job_title": None,
    "subject": "message_subject",
    "opening": "message_opening",
}


def _record_touches(conn: psycopg.Connection, rows: list[dict], actor: str) -> int:
    # The score and variant the partner had when it left: what the outcomes measure.
    cursor = conn.execute(
        """
        insert into partners.partner_touches (fractional_cfo_id, channel, actor, note, event,
            message_variant_id, score_at_touch, next_action_at_touch, tool)
        select partner, channel::partners.partner_channel_enum, %s,
            'exported from the ready queue', 'sent', variant, score, next_action, 'export'
        from unnest(%s::uuid[], %s::text[], %s::text[], %s::numeric[], %s::text[])
            as exported (partner, channel, variant, score, next_action)
        """,
        (
            actor,
            [row["fractional_cfo_id"] for row in rows],
            [str(row["recommended_channel"]) for row in rows],
            [row["message_variant_id"] for row in rows],
            [row["leverage_score"] for row in rows],
            [str(row["recommended_next_action"]) for row in rows],
        ),
    )
    return cursor.rowcount


READY_QUEUE = QueueSpec(
    lane="lane_b",
    view="bit.v_partner_outreach_ready",
    intent="bit.partner_intent",
    columns=COLUMNS,
    order_by="leverage_score desc, firm_name, fractional_cfo_id",
    lead_fields=LEAD_FIELDS,
    record_touches=_record_touches,
)
