"""Lane A (appointment reactivation): past sales meetings scored for a new meeting.

Never imports loader.lanes.lane_b: the lanes share no code but the shared mechanics.
"""

from loader.lanes.spec import Lane

LANE = Lane(
    key="lane_a", schema="sales", noun="reactivation",
    title="Lane A: appointment reactivation", success="meetings back", group="tier",
)  # fmt: skip
