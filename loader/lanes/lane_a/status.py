"""Where `loader status lane-a` looks (see loader/insight/status.py)."""

from __future__ import annotations

from loader.lanes.spec import (
    Section,
    StatusSpec,
    activity_section,
    experiments_section,
    performance_section,
    score_check_section,
)

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
        activity_section("sales.reactivation_touches", "lane_a.int_reactivation__sends"),
        performance_section(
            "does it work (sent touches -> meetings back, 95% interval)",
            "bit.v_reactivation_performance",
            ("tier", "channel"),
        ),
        score_check_section("bit.v_reactivation_score_check"),
        experiments_section("bit.v_reactivation_experiments"),
    ),
)
