"""Lane B's ready queue as an export: bit.v_partner_outreach_ready, best first."""

from __future__ import annotations

import psycopg

from loader.queue_export import QueueSpec

COLUMNS = [
    "partner_bit_id", "fractional_cfo_id", "firm_name", "primary_contact_name", "email",
    "linkedin_url", "geography", "niche_focus", "partner_status", "leverage_score",
    "leverage_factors", "recommended_next_action", "recommended_channel", "message_variant_id",
    "last_meeting_date", "last_meeting_type", "last_meeting_outcome", "days_since_last_meeting",
    "total_meetings", "touches_since_last_meeting", "last_touched_at", "computed_at",
]  # fmt: skip


def _record_touches(conn: psycopg.Connection, rows: list[dict], actor: str) -> int:
    cursor = conn.execute(
        """
        insert into partners.partner_touches (fractional_cfo_id, channel, actor, note)
        select partner, channel::partners.partner_channel_enum, %s,
            'exported from the ready queue'
        from unnest(%s::uuid[], %s::text[]) as exported (partner, channel)
        """,
        (
            actor,
            [row["fractional_cfo_id"] for row in rows],
            [str(row["recommended_channel"]) for row in rows],
        ),
    )
    return cursor.rowcount


READY_QUEUE = QueueSpec(
    lane="lane_b",
    view="bit.v_partner_outreach_ready",
    columns=COLUMNS,
    order_by="leverage_score desc, firm_name, fractional_cfo_id",
    record_touches=_record_touches,
)
