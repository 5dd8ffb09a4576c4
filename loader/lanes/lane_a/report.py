"""What `loader report lane-a` reads (see loader/insight/report.py)."""

from __future__ import annotations

from loader.lanes.spec import ReportSpec

REPORT = ReportSpec(
    lane="lane_a",
    title="Lane A: appointment reactivation",
    success="meetings back",
    queue_sql="select tier, recommended_channel::text, count(*) from bit.v_reactivation_ready"
    " group by 1, 2 order by min(bit_score) desc, 2",
    out_sql="select eligibility_status::text, coalesce(exclusion_reason::text, ''), count(*)"
    " from bit.reactivation_intent where eligibility_status <> 'eligible'"
    " group by 1, 2 order by 3 desc",
    weekly_sql="select date_trunc('week', touched_at)::date, count(*),"
    " count(*) filter (where replied), count(*) filter (where reactivated)"
    " from bit.reactivation_outcomes where touched_at > now() - interval '{weeks} weeks'"
    " group by 1 order by 1",
    performance_view="bit.v_reactivation_performance",
    dimensions=("tier", "channel", "message_variant_id", "reason_code"),
    score_check_view="bit.v_reactivation_score_check",
    experiments_view="bit.v_reactivation_experiments",
    intent="bit.reactivation_intent",
    touches="sales.reactivation_touches",
    queue_group="tier",
)
