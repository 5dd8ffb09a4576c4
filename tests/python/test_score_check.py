"""Does the score rank? bit.v_reactivation_score_check on sends whose truth is written here.

Synthetic sends go straight into the built tables the view reads (outcomes, and the
intent rows for the reason codes), so each case states its truth: scores drawn from
two normal distributions whose true AUC is known, a reason code with a true lift and
one without. The view's AUC is also checked against DeLong's formula computed here.
"""

from __future__ import annotations

import math
import random
import uuid
from statistics import NormalDist

import psycopg
import pytest
from dbt_project_runner import build_lane_a

# Arithmetic in SQL on synthetic rows: no server version changes it. Once, embedded.
pytestmark = [pytest.mark.dbt, pytest.mark.once]


@pytest.fixture
def built(database_copy) -> str:
    return database_copy("lane_a_built_empty", build_lane_a)


def store(
    url: str,
    sends: list[tuple[float, bool, str, list[str]]],
    later_codes: list[list[str]] | None = None,
) -> None:
    """(score, meeting came back, tier, reason codes) per send, as the build would. With
    `later_codes`, the reason codes are the ones the export kept at the touch and the
    meetings' codes at the latest build are these others."""
    with psycopg.connect(url) as conn:
        with conn.cursor().copy(
            "copy bit.reactivation_outcomes (touch_id, appointment_uid, touched_at, channel,"
            " send_status, score_at_touch, tier_at_touch, reason_codes_at_touch, replied,"
            " met_again, computed_at) from stdin"
        ) as copy:
            for n, (score, success, tier, codes) in enumerate(sends):
                at_touch = codes if later_codes else None
                copy.write_row((n, f"m{n}", "2026-10-01 10:00+00", "email", "confirmed",
                                score, tier, at_touch, False, success,
                                "2026-12-01 00:00+00"))  # fmt: skip
        with conn.cursor().copy(
            "copy bit.reactivation_intent (reactivation_bit_id, appointment_uid, bit_score,"
            " bit_reason_codes, recommended_channel, eligibility_status, computed_at,"
            " touches_since_meeting, meetings_to_date, status_without_kill_switch) from stdin"
        ) as copy:
            for n, (score, _, _, codes) in enumerate(sends):
                latest = later_codes[n] if later_codes else codes
                copy.write_row((uuid.uuid4(), f"m{n}", score, latest, "email", "eligible",
                                "2026-12-01 00:00+00", 0, 1, "eligible"))  # fmt: skip


def score_row(url: str) -> dict:
    with psycopg.connect(url) as conn:
        cursor = conn.execute(
            "select * from bit.v_reactivation_score_check where check_kind = 'score'"
        )
        names = [c.name for c in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


def rows(url: str, kind: str) -> dict[str, dict]:
    with psycopg.connect(url) as conn:
        cursor = conn.execute(
            "select * from bit.v_reactivation_score_check where check_kind = %s", (kind,)
        )
        names = [c.name for c in cursor.description]
        return {row[2]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


def draw(rng: random.Random, positives: int, negatives: int, shift: float) -> list:
    scored = [
        (round(min(100, max(0, rng.gauss(55 + shift, 15))), 2), True) for _ in range(positives)
    ]
    scored += [(round(min(100, max(0, rng.gauss(55, 15))), 2), False) for _ in range(negatives)]
    return [(s, y, "hot" if s >= 80 else "warm" if s >= 60 else "cool", []) for s, y in scored]


def delong(sends: list) -> tuple[float, float]:
    """AUC and its standard error by DeLong's placement values, written plainly."""
    positives = [s for s, y, *_ in sends if y]
    negatives = [s for s, y, *_ in sends if not y]

    def placement(x: float, others: list[float], above: bool) -> float:
        wins = sum(1.0 if (o < x if above else o > x) else 0.5 if o == x else 0.0 for o in others)
        return wins / len(others)

    v10 = [placement(p, negatives, True) for p in positives]
    v01 = [placement(n, positives, False) for n in negatives]
    auc = sum(v10) / len(v10)
    s10 = sum((v - auc) ** 2 for v in v10) / (len(v10) - 1)
    s01 = sum((v - auc) ** 2 for v in v01) / (len(v01) - 1)
    return auc, math.sqrt(s10 / len(v10) + s01 / len(v01))


def test_a_score_that_predicts_ranks_better_than_chance_near_its_true_auc(built: str) -> None:
    sends = draw(random.Random(7), 300, 1200, shift=10)
    store(built, sends)
    row = score_row(built)
    true_auc = NormalDist().cdf(10 / (15 * math.sqrt(2)))  # 0.681
    auc, se = delong(sends)
    assert float(row["auc"]) == pytest.approx(auc, abs=1e-4)
    assert float(row["auc_low"]) == pytest.approx(auc - 1.96 * se, abs=1e-4)
    assert abs(float(row["auc"]) - true_auc) < 0.04
    assert float(row["auc_low"]) > 0.5
    assert row["verdict"].startswith("the score ranks better than chance")
    assert (row["sends"], row["meetings"]) == (1500, 300)
    # Calibration: the tiers' rates, each with its interval, rising with the score.
    bands = rows(built, "band")
    assert set(bands) == {"hot", "warm", "cool"}
    assert bands["hot"]["meeting_rate"] > bands["cool"]["meeting_rate"]
    assert all(b["rate_low"] <= b["meeting_rate"] <= b["rate_high"] for b in bands.values())


def test_a_score_that_does_not_predict_gets_an_interval_around_chance(built: str) -> None:
    store(built, draw(random.Random(11), 300, 1200, shift=0))
    row = score_row(built)
    assert float(row["auc_low"]) < 0.5 < float(row["auc_high"])
    assert row["verdict"].startswith("no evidence yet")


def test_too_few_sends_say_so(built: str) -> None:
    store(built, draw(random.Random(3), 3, 7, shift=10))
    assert score_row(built)["verdict"] == "not enough sends yet (10)"


def test_a_reason_with_a_true_lift_gets_a_suggestion_and_one_without_none(built: str) -> None:
    rng = random.Random(5)
    sends = []
    for _ in range(2000):
        timing, noise = rng.random() < 0.5, rng.random() < 0.5
        success = rng.random() < (0.30 if timing else 0.15)  # truth: +15 points
        codes = ["OUTCOME_STALLED"] + (["REASON_TIMING"] if timing else []) + (
            ["TYPE_NUMBERS"] if noise else [])  # fmt: skip
        sends.append((50.0, success, "cool", codes))
    store(built, sends)
    reasons = rows(built, "reason")
    timing = reasons["REASON_TIMING"]
    assert 0.10 < float(timing["lift"]) < 0.20 and float(timing["lift_low"]) > 0
    assert timing["verdict"].startswith("raise REASON_TIMING: +")
    numbers = reasons["TYPE_NUMBERS"]
    assert float(numbers["lift_low"]) < 0 < float(numbers["lift_high"])
    assert numbers["verdict"] is None
    assert reasons["OUTCOME_STALLED"]["verdict"] is None  # every send has it: no comparison


def test_reasons_are_the_ones_a_row_left_with_not_the_latest_builds(built: str) -> None:
    """After a send, a meeting's codes move (recency ages, PRIOR_TOUCHES counts the send,
    a meeting that came back makes MULTI_MEETING): a lift must read the codes at the touch."""
    rng = random.Random(11)
    sends, later = [], []
    for _ in range(2000):
        timing = rng.random() < 0.5
        success = rng.random() < (0.30 if timing else 0.15)  # truth: +15 points
        earlier = [f"PRIOR_TOUCHES_{rng.randrange(1, 3)}"] if rng.random() < 0.5 else []
        sends.append((50.0, success, "cool", ["RECENCY_0_90", *earlier] + (
            ["REASON_TIMING"] if timing else [])))  # fmt: skip
        # Later: every send is a prior touch, a success brought a second meeting.
        later.append(["RECENCY_91_180", "PRIOR_TOUCHES_1"] + (["MULTI_MEETING_2"] if success
                                                               else []))  # fmt: skip
    store(built, sends, later_codes=later)
    reasons = rows(built, "reason")
    # A counted code is its seed row (PRIOR_TOUCHES); a bucket keeps its digits.
    assert set(reasons) == {"RECENCY_0_90", "REASON_TIMING", "PRIOR_TOUCHES"}
    assert 0.10 < float(reasons["REASON_TIMING"]["lift"]) < 0.20
    assert reasons["PRIOR_TOUCHES"]["verdict"] is None
    with psycopg.connect(built) as conn:
        performance = dict(conn.execute(
            "select bucket, touches from bit.v_reactivation_performance"
            " where dimension = 'reason_code'"
        ).fetchall())  # fmt: skip
    expected = {"RECENCY_0_90", "REASON_TIMING", "PRIOR_TOUCHES_1", "PRIOR_TOUCHES_2"}
    assert set(performance) == expected
    assert performance["RECENCY_0_90"] == 2000
