"""What the report and `loader tune` learn from outcomes, on sends whose truth is known:
a calibrated chance of a meeting by score, and new weights proposed only when they beat
today's on later sends (and "no change" on data without signal)."""

from __future__ import annotations

import datetime as dt
import math
import random
from pathlib import Path

import psycopg
import pytest

from loader.insight.calibration import calibration, isotonic_fit, predict
from loader.insight.tune import TuneSpec, propose

pytestmark = pytest.mark.once  # arithmetic on simulated rows: any server agrees

ROOT = Path(__file__).parents[2]
START = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)


def outcomes_table(conn: psycopg.Connection, sends: list[tuple[list[str], float, bool]]) -> str:
    """A temporary outcomes relation shaped like bit.reactivation_outcomes."""
    conn.execute(
        "create temporary table sim_outcomes (touch_id bigint, touched_at timestamptz,"
        " reason_codes_at_touch text[], score_at_touch numeric, met_again boolean)"
    )
    with conn.cursor().copy("copy sim_outcomes from stdin") as copy:
        for i, (codes, score, met) in enumerate(sends):
            copy.write_row((i, START + dt.timedelta(hours=i), codes, score, met))
    return "pg_temp.sim_outcomes"


def test_isotonic_fit_never_falls_and_pools_violators() -> None:
    steps = isotonic_fit([(10, False), (20, True), (30, False), (40, True), (50, True)])
    assert steps == [(10, 0.0), (20, 0.5), (40, 1.0)]
    assert predict(steps, 5) == 0.0 and predict(steps, 35) == 0.5 and predict(steps, 99) == 1.0


def test_a_score_with_signal_is_calibrated_and_beats_the_base_rate(
    conn: psycopg.Connection,
) -> None:
    rng = random.Random(1)
    sends = []
    for _ in range(3000):
        score = rng.uniform(0, 100)
        sends.append(([], round(score, 1), rng.random() < 0.02 + 0.3 * score / 100))
    found = calibration(conn, outcomes_table(conn, sends))
    assert found["brier"] < found["base_brier"]
    chances = [x["p"] for x in found["by_score"]]
    assert chances == sorted(chances) and chances[-1] - chances[0] > 0.15
    assert sum(b["n"] for b in found["bins"]) == 1000
    for b in found["bins"]:  # the later sends' predicted chance is near what happened
        assert abs(b["p_mean"] - b["rate"]) < 0.08, b


def test_too_few_sends_say_what_is_missing(conn: psycopg.Connection) -> None:
    found = calibration(conn, outcomes_table(conn, [([], 50.0, False)] * 40))
    assert found["brier"] is None and found["note"].startswith("not enough data: 40 send(s)")


def simulated_sends(rng: random.Random, truth: dict[str, float], base: float, n: int):
    outcomes = ["OUTCOME_STALLED", "OUTCOME_GHOSTED", "OUTCOME_LOST", "OUTCOME_PROGRESSED"]
    types = ["TYPE_NUMBERS", "TYPE_SYSTEMS", "TYPE_DISCOVERY", "TYPE_OTHER"]
    recency = ["RECENCY_0_90", "RECENCY_91_180", "RECENCY_181_365", "RECENCY_366_730"]
    sends = []
    for _ in range(n):
        codes = [rng.choice(outcomes), rng.choice(types), rng.choice(recency)]
        logit = base + sum(truth.get(c, 0.0) for c in codes)
        sends.append((codes, 0.0, rng.random() < 1 / (1 + math.exp(-logit))))
    return sends


LANE_A = TuneSpec(
    outcomes="pg_temp.sim_outcomes",
    codes_column="reason_codes_at_touch",
    seed=Path("seeds/lane_a/reactivation_score_weights.csv"),
    code_field="reason_code",
)


def test_tune_proposes_weights_that_beat_todays_when_the_data_says_so(
    conn: psycopg.Connection,
) -> None:
    # The truth turns today's order around: lost deals come back, stalled ones do not.
    truth = {"OUTCOME_LOST": 1.6, "OUTCOME_STALLED": -1.2, "TYPE_OTHER": 0.9}
    outcomes_table(conn, simulated_sends(random.Random(5), truth, -2.2, 3000))
    proposal = propose(conn, LANE_A, ROOT)
    assert proposal.changed, proposal.summary
    assert proposal.summary.startswith("proposal: ")
    changed = {code: (today, new) for code, today, new in proposal.diff}
    assert changed["OUTCOME_LOST"][1] > changed["OUTCOME_STALLED"][1]
    evidence = proposal.evidence
    assert evidence["auc_proposed"] > evidence["auc_today"] and evidence["auc_difference_low"] > 0
    assert evidence["brier_proposed"] <= evidence["brier_today"]
    codes = {row["reason_code"]: row for row in proposal.rows}
    assert set(codes) >= {"OUTCOME_LOST", "PRIOR_TOUCHES"}  # every row of the seed kept
    assert codes["PRIOR_TOUCHES"]["points"] == "-5"  # a code the data never saw keeps its points


def test_tune_says_no_change_on_data_without_signal(conn: psycopg.Connection) -> None:
    outcomes_table(conn, simulated_sends(random.Random(6), {}, -2.0, 3000))
    proposal = propose(conn, LANE_A, ROOT)
    assert not proposal.changed and proposal.summary.startswith("no change"), proposal.summary
    assert proposal.rows == []


def test_the_tune_command_writes_nothing_without_a_proposal(loader, tmp_path: Path) -> None:
    out = tmp_path / "weights.csv"
    code, said, err = loader("tune", "lane-a", "--out", str(out))
    assert code == 0, err
    assert said.startswith("no change") and not out.exists()
