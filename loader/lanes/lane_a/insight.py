"""What `loader status lane-a` and `loader report lane-a` count and draw (the sections
are loader/insight/sections.py; the words are the lane's, loader/lanes/lane_a/__init__.py)."""

from __future__ import annotations

from pathlib import Path

from loader.insight.tune import TuneSpec
from loader.lanes.lane_a import LANE
from loader.lanes.spec import InsightSpec

INSIGHT = InsightSpec(
    lane=LANE,
    own_tables=(("meetings", "sales.appointment_history"), ("people", "sales.prospect_people")),
    dimensions=("tier", "channel", "message_variant_id", "reason_code"),
    reason_words="""
        select reason_code, min(why) from lane_a.reactivation_score_weights group by 1
        union all
        select reason_code, min(why) from lane_a.reactivation_reason_keywords group by 1
    """,
)

# What `loader tune lane-a` fits: the codes each send left with, and the seed they weigh.
TUNE = TuneSpec(
    outcomes="bit.reactivation_outcomes",
    codes_column="reason_codes_at_touch",
    seed=Path("seeds/lane_a/reactivation_score_weights.csv"),
    code_field="reason_code",
)
