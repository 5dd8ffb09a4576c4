"""Who gets which ready row: a lane's queue for one channel split between the senders
on that channel, best first, each up to what its caps leave this week and today.

What a sender was handed is counted from shq.sender_exports (what earlier week runs
exported to it): this week from Monday, and today. The split deals the queue out in
turn (best row to the first sender with room, next to the next), so every sender gets
rows of the same quality; a row a sender's tool cannot take (no LinkedIn URL for a
LinkedIn tool) goes to the next sender that can. Rows past every cap are held back: they
stay ready for the next run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import psycopg

from loader.lanes.spec import QueueSpec
from loader.outreach.queue_export import left_out_reason
from loader.week.config import Sender

OVER_CAPS = "over the senders' caps (still ready for the next run)"


@dataclass
class Allocation:
    lane: str
    channel: str
    shares: list[tuple[Sender, list[dict]]]
    held_back: dict[str, int] = field(default_factory=dict)


def start_of_week(today: dt.date) -> dt.datetime:
    """Monday 00:00 of `today`'s week, local time: what "this week" counts from."""
    monday = today - dt.timedelta(days=today.weekday())
    return dt.datetime.combine(monday, dt.time()).astimezone()


def remaining_caps(
    conn: psycopg.Connection, senders: list[Sender], today: dt.date
) -> dict[str, int | None]:
    """sender name -> how many rows it may still be handed now (None: no cap)."""
    week_start = start_of_week(today)
    day_start = dt.datetime.combine(today, dt.time()).astimezone()
    room: dict[str, int | None] = {}
    for sender in senders:
        week, day = conn.execute(
            """
            select coalesce(sum(rows_exported) filter (where exported_at >= %s), 0),
                   coalesce(sum(rows_exported) filter (where exported_at >= %s), 0)
            from shq.sender_exports
            where lane = %s and sender = %s and exported_at < %s
            """,
            (week_start, day_start, sender.lane, sender.name, week_start + dt.timedelta(days=7)),
        ).fetchone()
        left = [
            cap - used
            for cap, used in ((sender.per_week, week), (sender.per_day, day))
            if cap is not None
        ]
        room[sender.name] = max(0, min(left)) if left else None
    return room


def allocate(
    spec: QueueSpec, records: list[dict], senders: list[Sender], room: dict[str, int | None]
) -> Allocation:
    lane, channel = senders[0].lane, senders[0].channel
    shares: dict[str, list[dict]] = {s.name: [] for s in senders}
    held: dict[str, int] = {}
    turn = 0
    for index, record in enumerate(records):
        if all(room[s.name] is not None and len(shares[s.name]) >= room[s.name] for s in senders):
            held[OVER_CAPS] = held.get(OVER_CAPS, 0) + len(records) - index
            break
        taker = None
        reasons = []
        for offset in range(len(senders)):
            sender = senders[(turn + offset) % len(senders)]
            cap = room[sender.name]
            if cap is not None and len(shares[sender.name]) >= cap:
                reasons.append(OVER_CAPS)
                continue
            why = left_out_reason(spec, record, sender.tool)
            if why:
                reasons.append(why)
                continue
            taker = sender
            turn = (turn + offset + 1) % len(senders)
            break
        if taker is None:
            reason = OVER_CAPS if OVER_CAPS in reasons else reasons[0]
            held[reason] = held.get(reason, 0) + 1
            continue
        shares[taker.name].append(record)
    return Allocation(lane, channel, [(s, shares[s.name]) for s in senders], held)
