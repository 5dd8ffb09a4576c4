"""What `loader status lane-a` and `loader report lane-a` read, and Lane A's words for it
(the sections are loader/insight/sections.py)."""

from __future__ import annotations

from loader.lanes.spec import InsightSpec

INSIGHT = InsightSpec(
    lane="lane_a",
    title="Lane A: appointment reactivation",
    views="bit.v_reactivation_",
    intent="bit.reactivation_intent",
    touches="sales.reactivation_touches",
    loaded=(
        ("meetings", "sales.appointment_history"),
        ("people", "sales.prospect_people"),
        ("touch events", "sales.reactivation_touches"),
    ),
    success="meetings back",
    queue_group="tier",
    dimensions=("tier", "channel", "message_variant_id", "reason_code"),
)
