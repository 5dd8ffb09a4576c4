"""How likely is a meeting, by score: a calibrated probability next to the 0-100 score.

The score ranks; a manager asks for a chance. Past sends (the lane's outcomes model:
the score each send left with, and whether a meeting came back within the window) are
fitted by isotonic regression (pool-adjacent-violators: the probability never falls as
the score rises, no shape assumed beyond that), validated time-forward: fitted on the
earlier two thirds of the sends, judged on the later third by the Brier score (the mean
squared gap between the probability and what happened; lower is better, the base rate's
own Brier is the bar to beat) and a reliability table (predicted against observed, by
fifths of the later sends). The probabilities shown are then fitted on every send.
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import psycopg

MIN_SENDS = 30  # in each of the earlier and the later part


def isotonic_fit(points: list[tuple[float, bool]]) -> list[tuple[float, float]]:
    """(score, probability) steps: the pool-adjacent-violators fit of met on score."""
    blocks: list[list[float]] = []  # [first score, hits, n]
    for score, met in sorted(points):
        blocks.append([score, float(met), 1.0])
        while len(blocks) > 1 and blocks[-2][1] / blocks[-2][2] >= blocks[-1][1] / blocks[-1][2]:
            last = blocks.pop()
            blocks[-1][1] += last[1]
            blocks[-1][2] += last[2]
    return [(first, hits / n) for first, hits, n in blocks]


def predict(steps: list[tuple[float, float]], score: float) -> float:
    """The fitted probability at `score` (the step at or below it; the first below all)."""
    starts = [first for first, _ in steps]
    index = max(0, bisect.bisect_right(starts, score) - 1)
    return steps[index][1]


def brier(pairs: list[tuple[float, bool]]) -> float:
    return sum((p - float(met)) ** 2 for p, met in pairs) / len(pairs)


def calibration(conn: psycopg.Connection, outcomes: str) -> dict:
    """The report's `calibration`: brier, base_brier, bins (p_mean, rate, n) on the later
    sends, by_score (the probability at scores 0, 10, ... 100), or a note on what is
    missing."""
    from loader.platform.database import relation_exists

    if not relation_exists(conn, outcomes):
        return _unknown("the outcomes are not built yet")
    rows = conn.execute(
        f"select score_at_touch::float8, met_again from {outcomes}"
        " where score_at_touch is not null order by touched_at, touch_id"
    ).fetchall()
    cut = len(rows) * 2 // 3
    earlier, later = rows[:cut], rows[cut:]
    if len(later) < MIN_SENDS or len(earlier) < MIN_SENDS:
        return _unknown(
            f"{len(rows)} send(s) with a known score so far; {3 * MIN_SENDS} are needed to "
            "fit on the earlier two thirds and judge on the later third"
        )
    steps = isotonic_fit([(s, bool(m)) for s, m in earlier])
    judged = [(predict(steps, s), bool(m)) for s, m in later]
    base = sum(float(m) for _, m in earlier) / len(earlier)
    judged.sort(key=lambda pair: pair[0])
    fifths = [judged[len(judged) * k // 5 : len(judged) * (k + 1) // 5] for k in range(5)]
    everything = isotonic_fit([(s, bool(m)) for s, m in rows])
    return {
        "brier": round(brier(judged), 4),
        "base_brier": round(brier([(base, m) for _, m in judged]), 4),
        "fitted_on": len(earlier),
        "judged_on": len(later),
        "bins": [
            {
                "p_mean": round(sum(p for p, _ in part) / len(part), 4),
                "rate": round(sum(float(m) for _, m in part) / len(part), 4),
                "n": len(part),
            }
            for part in fifths
            if part
        ],
        "by_score": [
            {"score": score, "p": round(predict(everything, score), 4)}
            for score in range(0, 101, 10)
        ],
        "note": None,
    }


def _unknown(why: str) -> dict:
    return {
        "brier": None, "base_brier": None, "fitted_on": 0, "judged_on": 0, "bins": [],
        "by_score": [], "note": f"not enough data: {why}",
    }  # fmt: skip
