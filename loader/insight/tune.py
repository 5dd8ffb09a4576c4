"""`loader tune lane-a|lane-b`: new weights for a person to review, or "no change".

Fitted on what happened: each send's reason codes at the time (the codes it left with)
and whether a meeting came back. An L2-regularised logistic regression of the meeting
on the codes the lane's weights seed scores gives each code a log-odds; scaled to the
seed's own spread of points, that is the proposal (codes the data never saw keep their
points). Judged time-forward: fitted on the earlier two thirds of the sends, today's
weights and the proposal both score the later third — AUC (with a paired bootstrap
interval of the difference) and Brier (each score calibrated on the earlier part). A
proposal is made only when the AUC difference's 95% interval lies above zero and the
Brier score is no worse; otherwise the answer is "no change", and nothing is written.
"""

from __future__ import annotations

import csv
import math
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from loader.insight.calibration import brier, isotonic_fit, predict

if TYPE_CHECKING:
    import psycopg

MIN_SENDS = 90
MIN_MEETINGS = 10  # in each of the earlier and the later part
BOOTSTRAP = 400


@dataclass(frozen=True)
class TuneSpec:
    outcomes: str  # bit.reactivation_outcomes
    codes_column: str  # reason_codes_at_touch
    seed: Path  # seeds/lane_a/reactivation_score_weights.csv
    code_field: str  # reason_code


@dataclass
class Proposal:
    changed: bool
    summary: str
    evidence: dict = field(default_factory=dict)
    rows: list[dict] = field(default_factory=list)  # the seed's rows, points proposed
    diff: list[tuple[str, int, int]] = field(default_factory=list)  # (code, today, proposed)


def propose(conn: psycopg.Connection, spec: TuneSpec, seed_root: Path) -> Proposal:
    seed_path = seed_root / spec.seed
    with seed_path.open(newline="", encoding="utf-8") as handle:
        seed_rows = list(csv.DictReader(handle))
    points = {r[spec.code_field]: int(float(r["points"])) for r in seed_rows}
    from loader.platform.database import relation_exists

    if not relation_exists(conn, spec.outcomes):
        return Proposal(False, "no change: the outcomes are not built yet (run `loader dbt build`)")
    sends = [
        (frozenset(c for c in (codes or []) if c in points), bool(met))
        for codes, met in conn.execute(
            f"select {spec.codes_column}, met_again from {spec.outcomes}"
            f" where {spec.codes_column} is not null order by touched_at, touch_id"
        )
    ]
    cut = len(sends) * 2 // 3
    earlier, later = sends[:cut], sends[cut:]
    met_early, met_late = sum(m for _, m in earlier), sum(m for _, m in later)
    if len(sends) < MIN_SENDS or min(met_early, met_late) < MIN_MEETINGS:
        return Proposal(
            False,
            f"no change: not enough outcomes to judge new weights ({len(sends)} sends, "
            f"{met_early + met_late} meetings; at least {MIN_SENDS} sends and "
            f"{MIN_MEETINGS} meetings in both the earlier two thirds and the later third)",
        )
    codes = sorted({c for s, _ in earlier for c in s})
    beta = _logistic(earlier, codes)
    proposed = dict(points)
    spread = sum(abs(points[c]) for c in codes)
    scale = spread / max(sum(abs(beta[c]) for c in codes), 1e-9)
    for code in codes:
        proposed[code] = round(beta[code] * scale)

    def today(s: frozenset) -> float:
        return float(sum(points[c] for c in s))

    def new(s: frozenset) -> float:
        return float(sum(proposed[c] for c in s))

    old_auc, new_auc = (
        _auc([(today(s), m) for s, m in later]),
        _auc([(new(s), m) for s, m in later]),
    )
    low, high = _paired_bootstrap(later, today, new)
    old_brier = _brier_forward(earlier, later, today)
    new_brier = _brier_forward(earlier, later, new)
    evidence = {
        "fitted_on": len(earlier),
        "judged_on": len(later),
        "auc_today": round(old_auc, 4),
        "auc_proposed": round(new_auc, 4),
        "auc_difference_low": round(low, 4),
        "auc_difference_high": round(high, 4),
        "brier_today": round(old_brier, 4),
        "brier_proposed": round(new_brier, 4),
    }
    diff = [(c, points[c], proposed[c]) for c in sorted(points) if points[c] != proposed[c]]
    if low <= 0 or new_brier > old_brier or not diff:
        return Proposal(
            False,
            "no change: the proposed weights do not beat today's on the later sends (AUC "
            f"{new_auc:.3f} against {old_auc:.3f}, difference interval {low:+.3f} to "
            f"{high:+.3f}; Brier {new_brier:.4f} against {old_brier:.4f})",
            evidence,
        )
    rows = [{**r, "points": str(proposed[r[spec.code_field]])} for r in seed_rows]
    return Proposal(
        True,
        f"proposal: {len(diff)} weight(s) changed; on the later {len(later)} sends AUC "
        f"{new_auc:.3f} against {old_auc:.3f} today (difference {low:+.3f} to {high:+.3f}), "
        f"Brier {new_brier:.4f} against {old_brier:.4f}",
        evidence,
        rows,
        diff,
    )


def _logistic(sends: list[tuple[frozenset, bool]], codes: list[str]) -> dict[str, float]:
    """L2-regularised logistic regression of the meeting on the codes, by gradient
    ascent over the distinct code sets (a few hundred, whatever the sends)."""
    patterns = Counter((s, m) for s, m in sends)
    groups: dict[frozenset, list[int]] = {}
    for (s, m), n in patterns.items():
        groups.setdefault(s, [0, 0])
        groups[s][0] += n
        groups[s][1] += n if m else 0
    total = len(sends)
    rate = sum(m for _, m in sends) / total
    intercept = math.log(rate / (1 - rate))
    beta = dict.fromkeys(codes, 0.0)
    for _ in range(2000):
        grad = dict.fromkeys(codes, 0.0)
        grad_intercept = 0.0
        for s, (n, hits) in groups.items():
            eta = intercept + sum(beta[c] for c in s)
            p = 1 / (1 + math.exp(-max(-30.0, min(30.0, eta))))
            residual = hits - n * p
            grad_intercept += residual
            for c in s:
                grad[c] += residual
        step = 1.0 / total
        intercept += 4 * step * grad_intercept
        for c in codes:
            beta[c] += 4 * step * (grad[c] - beta[c])  # the penalty: one unit of prior
    return beta


def _auc(scored: list[tuple[float, bool]]) -> float:
    """Mann-Whitney: the chance a send that brought a meeting outscores one that did
    not (ties half)."""
    ranked = sorted(scored, key=lambda pair: pair[0])
    rank_sum, position, i = 0.0, 1, 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        average = (position + position + (j - i) - 1) / 2
        rank_sum += average * sum(1 for _, m in ranked[i:j] if m)
        position += j - i
        i = j
    hits = sum(1 for _, m in scored if m)
    misses = len(scored) - hits
    return (rank_sum - hits * (hits + 1) / 2) / (hits * misses)


def _paired_bootstrap(later, today, new) -> tuple[float, float]:
    rng = random.Random(2026)
    differences = []
    for _ in range(BOOTSTRAP):
        sample = [later[rng.randrange(len(later))] for _ in later]
        if 0 < sum(m for _, m in sample) < len(sample):
            differences.append(
                _auc([(new(s), m) for s, m in sample]) - _auc([(today(s), m) for s, m in sample])
            )
    differences.sort()
    return differences[int(0.025 * len(differences))], differences[
        int(0.975 * len(differences)) - 1
    ]


def _brier_forward(earlier, later, score) -> float:
    steps = isotonic_fit([(score(s), m) for s, m in earlier])
    return brier([(predict(steps, score(s)), m) for s, m in later])


def write_seed(path: Path, rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
