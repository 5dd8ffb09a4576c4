"""Lane A (appointment reactivation): ingest of sales.appointment_history.

Never imports loader.lanes.lane_b: the lanes share no code but the shared mechanics.
"""
