"""Where `loader status lane-a` looks (see loader/status.py)."""

from __future__ import annotations

from loader.status import Section, StatusSpec

_ACTIVITY = """
    select event,
           count(*) filter (where touched_at > now() - interval '7 days'),
           count(*) filter (where touched_at > now() - interval '30 days')
    from sales.reactivation_touches group by event order by event
"""

STATUS = StatusSpec(
    lane="lane_a",
    title="Lane A: appointment reactivation",
    loaded=(
        ("meetings", "sales.appointment_history"),
        ("people", "sales.prospect_people"),
        ("touch events", "sales.reactivation_touches"),
    ),
    intent="bit.reactivation_intent",
    sections=(
        Section(
            "ready now, by tier and channel",
            "bit.v_reactivation_ready",
            "select tier, recommended_channel::text, count(*) from bit.v_reactivation_ready"
            " group by 1, 2 order by min(bit_score) desc, 2",
            ("tier", "channel", "rows"),
        ),
        Section(
            "waiting or excluded, and why (at the last build)",
            "bit.reactivation_intent",
            "select eligibility_status::text, coalesce(exclusion_reason::text, ''), count(*)"
            " from bit.reactivation_intent where eligibility_status <> 'eligible'"
            " group by 1, 2 order by 3 desc",
            ("status", "reason", "rows"),
        ),
        Section(
            "outreach activity",
            "sales.reactivation_touches",
            _ACTIVITY,
            ("event", "last 7 days", "last 30 days"),
        ),
        Section(
            "does it work (sent touches -> meetings back, 95% interval)",
            "bit.v_reactivation_performance",
            "select dimension, bucket, touches, replies, meetings, meeting_rate,"
            " meeting_rate_low, meeting_rate_high from bit.v_reactivation_performance"
            " where dimension in ('overall', 'tier', 'channel')"
            " order by dimension <> 'overall', dimension, meeting_rate desc",
            ("dimension", "bucket", "touches", "replies", "meetings", "rate", "low", "high"),
        ),
    ),
)
