"""`loader report lane-a|lane-b`: one self-contained HTML page a manager opens, and the
same figures as JSON for scripts.

The figures come from the lane's views (the performance, score-check and experiments
views BI reads too), so the page says what the views say. The page needs nothing but a
browser: charts are inline SVG (loader/insight/charts.py), no script, no font or file
fetched from anywhere; it prints on A4 or Letter. A lane with no sends yet says what to
do first instead of drawing empty axes.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from decimal import Decimal

import psycopg

from loader.insight.calibration import calibration
from loader.insight.sections import SECTIONS, read_sections
from loader.lanes.spec import InsightSpec


def collect(conn: psycopg.Connection, spec: InsightSpec, weeks: int) -> dict:
    """The report's figures as plain data (what --json prints; keys in docs/operations.md).

    Every figure is a section of loader/insight/sections.py, the rows `loader status`
    shows too; only the freshness lines and the score check's shape are the report's.
    """
    sections = read_sections(conn, spec)
    missing = [section.relation(spec) for section in SECTIONS if sections[section.key] is None]
    if missing:
        from loader.errors import DatabaseError

        raise DatabaseError(
            f"{', '.join(missing)} not built yet: run `loader dbt build --select {spec.lane.key}`."
        )
    last_load = conn.execute(
        "select file_name, finished_at, actor from shq.load_ledger where lane = %s"
        " order by finished_at desc limit 1",
        (spec.lane.key,),
    ).fetchone()
    last_build = conn.execute(f"select max(computed_at) from {spec.lane.intent}").fetchone()[0]
    last_export = conn.execute(
        f"select max(created_at) from {spec.lane.table('touches')} where tool = 'export'"
    ).fetchone()[0]
    since = dt.datetime.now(dt.UTC).date() - dt.timedelta(weeks=int(weeks))
    checks = sections["score_check"]
    score = next((r for r in checks if r["check"] == "score"), None)
    return _plain(
        {
            "lane": spec.lane.key,
            "title": spec.title,
            "generated_at": dt.datetime.now(dt.UTC),
            "weeks": weeks,
            "freshness": {
                "last_load": None
                if last_load is None
                else {"file": last_load[0], "at": last_load[1], "by": last_load[2]},
                "last_build": last_build,
                "last_export": last_export,
                "exported_before_last_build": bool(
                    last_export and last_build and last_export < last_build
                ),
            },
            "queue": sections["queue"],
            "out_of_queue": sections["out_of_queue"],
            "activity": sections["activity"],
            "weekly": [r for r in sections["weekly"] if r["week"] > since],
            "rates": sections["rates"],
            "score_check": {
                "touches": score["sends"] if score else 0,
                "meetings": score["meetings"] if score else 0,
                "auc": score["auc"] if score else None,
                "auc_low": score["auc_low"] if score else None,
                "auc_high": score["auc_high"] if score else None,
                "verdict": score["verdict"] if score else "not enough sends yet (0)",
                "bands": [
                    {
                        "band": r["bucket"],
                        **{k: r[k] for k in ("sends", "meetings", "rate", "rate_low", "rate_high")},
                    }
                    for r in sorted(
                        (r for r in checks if r["check"] == "band"), key=lambda r: r["bucket"]
                    )
                ],
                "suggestions": [
                    r["verdict"] for r in checks if r["check"] == "reason" and r["verdict"]
                ],
            },
            "experiments": sections["experiments"],
            "uplift": sections["uplift"],
            "holdout": _holdout(sections["uplift"]),
            "this_week": _this_week(conn, spec, sections),
            "reason_words": _reason_words(conn, spec),
            "calibration": calibration(conn, f"bit.{spec.lane.noun}_outcomes"),
        }
    )


def _reason_words(conn: psycopg.Connection, spec: InsightSpec) -> dict[str, str]:
    if not spec.reason_words:
        return {}
    try:
        with conn.transaction():
            return {code: why for code, why in conn.execute(spec.reason_words) if why}
    except psycopg.errors.UndefinedTable:
        return {}  # seeds not built yet: the codes are shown as they are


def _this_week(conn: psycopg.Connection, spec: InsightSpec, sections: dict) -> dict:
    """The box at the top: who to contact, what went out lately, what to stop."""
    by_channel: dict[str, int] = {}
    for row in sections["queue"]:
        by_channel[row["channel"]] = by_channel.get(row["channel"], 0) + row["rows"]
    last, previous = conn.execute(
        f"select count(*) filter (where touched_at > now() - interval '7 days'),"
        f" count(*) filter (where touched_at <= now() - interval '7 days'"
        f"   and touched_at > now() - interval '14 days')"
        f" from bit.{spec.lane.noun}_outcomes"
    ).fetchone()
    (planned,) = conn.execute(
        f"select count(*) from {spec.lane.table('touches')}"
        " where event = 'planned' and created_at > now() - interval '7 days'"
    ).fetchone()
    return {
        "contact": sum(by_channel.values()),
        "by_channel": by_channel,
        "planned_last_7_days": planned,
        "sends_last_7_days": last,
        "sends_previous_7_days": previous,
        "experiments_to_stop": [
            {"experiment_id": x["experiment_id"], "variant": x["variant"], "verdict": x["verdict"]}
            for x in sections["experiments"]
            if x["verdict"].startswith(("winner", "loser", "stop"))
        ],
    }


def _holdout(rows: list[dict]) -> dict:
    """The uplift over the random holdout: overall, and by the lane's first grouping."""
    overall = next((r for r in rows if r["dimension"] == "overall"), None)
    if overall is None:
        overall = {
            "contacted": 0, "contacted_meetings": 0, "held_out": 0, "held_out_meetings": 0,
            "uplift": None, "uplift_low": None, "uplift_high": None,
            "verdict": "not yet known: no export has held anyone out yet (the holdout is "
            "recorded by `loader export … --mark-touched` and `loader week`)",
        }  # fmt: skip
    keys = ("held_out", "contacted", "held_out_meetings", "contacted_meetings", "uplift",
            "uplift_low", "uplift_high", "verdict")  # fmt: skip
    return {
        **{key: overall[key] for key in keys},
        "by": [r for r in rows if r["dimension"] != "overall"],
    }


def _plain(value: object) -> object:
    """JSON-ready: dates as ISO text, decimals as floats."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def report_json(figures: dict) -> str:
    return json.dumps(figures, ensure_ascii=False, indent=2)


def _when(text: str | None) -> str:
    if not text:
        return "never"
    return dt.datetime.fromisoformat(text).astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def report_html(figures: dict, spec: InsightSpec) -> str:
    """The page: sections in the order a manager asks, each led by one sentence."""
    from loader.insight import charts as charts

    e = html.escape
    parts: list[str] = []
    week = figures["this_week"]
    channels = ", ".join(f"{n} by {c}" for c, n in sorted(week["by_channel"].items()))
    stops = week["experiments_to_stop"]
    parts.append(
        '<section class="box"><h2>This week</h2><ul>'
        + f"<li><b>{week['contact']}</b> to contact today"
        + (f" ({e(channels)})" if channels else "")
        + ".</li>"
        + f"<li>Handed out by exports in the last 7 days: {week['planned_last_7_days']}; "
        f"sends in the last 7 days: {week['sends_last_7_days']} (the 7 before: "
        f"{week['sends_previous_7_days']}).</li>"
        + "".join(
            f"<li>Experiment {e(x['experiment_id'])}: {e(x['variant'])} — {e(x['verdict'])}: "
            "end it (its share in the seed).</li>"
            for x in stops
        )
        + ("<li>No experiment is ready to end.</li>" if not stops else "")
        + "</ul></section>"
    )
    fresh = figures["freshness"]
    load = fresh["last_load"]
    parts.append(
        "<section><h2>Data freshness</h2><p>"
        + (
            f"Last load: {e(load['file'])}, {_when(load['at'])}, by {e(load['by'])}. "
            if load
            else "Nothing loaded yet. "
        )
        + f"Last build: {_when(fresh['last_build'])}. Last export: {_when(fresh['last_export'])}."
        + "</p>"
        + (
            '<p class="warn">The queue was last exported before the last build: export again '
            "so the tools work from the current scores.</p>"
            if fresh["exported_before_last_build"]
            else ""
        )
        + "</section>"
    )
    queue_total = sum(r["rows"] for r in figures["queue"])
    parts.append(
        f"<section><h2>The queue now</h2><p>{queue_total} ready to contact today, by "
        f"{e(spec.queue_group)} and channel; below, who is not in the queue and why.</p>"
        + (charts.queue_chart(figures["queue"], spec.queue_group) if figures["queue"] else "")
        + _table(
            ["status", "reason", "rows"],
            [[r["status"], r["reason"], r["rows"]] for r in figures["out_of_queue"]],
        )
        + "</section>"
    )
    total_sends = figures["score_check"]["touches"] or 0
    sent_any = sum(r["sends"] for r in figures["weekly"]) + sum(
        r["sends"] for r in figures["rates"] if r["dimension"] == "overall"
    )
    if not sent_any:
        parts.append(
            '<section><h2>What happened</h2><p class="empty">No sends yet, so nothing to '
            f"measure. First: export the queue with --mark-touched (`loader export "
            f"{spec.lane.cli} queue.csv --mark-touched`), send, and load the "
            f"tool's activity back (`loader ingest {spec.lane.cli} touches FILE "
            "--tool …`); the next report shows what came back.</p></section>"
        )
    else:
        parts.append(
            f"<section><h2>The last {figures['weeks']} weeks</h2><p>Sends each week, and what "
            f"came back from them: replies and {e(spec.success)}.</p>"
            + (
                charts.weekly_chart(figures["weekly"])
                if figures["weekly"]
                else '<p class="empty">No sends in these weeks.</p>'
            )
            + "</section>"
        )
        for dimension in spec.dimensions:
            rates = [r for r in figures["rates"] if r["dimension"] == dimension and r["sends"]]
            if dimension == "tier":  # hot to cold, never alphabetical
                rates.sort(key=lambda r: _TIERS.index(r["bucket"]) if r["bucket"] in _TIERS else 9)
            if rates:
                parts.append(
                    f"<section><h2>Rate by {e(dimension.replace('_', ' '))}</h2><p>The share of "
                    f"sends that brought {e(spec.success)}, with its 95% interval: where two "
                    "intervals overlap, the difference may be noise.</p>"
                    + charts.rate_chart(rates, "bucket")
                    + _rates_table(rates, figures.get("reason_words", {}), spec.success)
                    + "</section>"
                )
    check = figures["score_check"]
    parts.append(
        "<section><h2>Does the score rank?</h2><p>"
        + e(check["verdict"] or "")
        + f" — over {total_sends} sends with a known score, {check['meetings']} {e(spec.success)}."
        + "</p>"
        + (charts.rate_chart(check["bands"], "band") if check["bands"] else "")
        + (
            "<p>Worth a look in the weights (a person edits the seed):</p><ul>"
            + "".join(f"<li>{e(s)}</li>" for s in check["suggestions"])
            + "</ul>"
            if check["suggestions"]
            else ""
        )
        + "</section>"
    )
    fit = figures["calibration"]
    parts.append(
        f"<section><h2>How likely is {e(spec.success)}, by score</h2><p>"
        + (
            e(fit["note"])
            if fit["note"]
            else f"Fitted on the earlier {fit['fitted_on']} sends, judged on the later "
            f"{fit['judged_on']}: Brier score {fit['brier']} (guessing the average rate: "
            f"{fit['base_brier']}; lower is better)."
        )
        + "</p>"
        + _table(["score", "chance"], [[x["score"], _pct(x["p"])] for x in fit["by_score"]])
        + _table(
            ["predicted (later sends)", "happened", "sends"],
            [[_pct(b["p_mean"]), _pct(b["rate"]), b["n"]] for b in fit["bins"]],
        )
        + "</section>"
    )
    held = figures["holdout"]
    parts.append(
        "<section><h2>What outreach adds</h2><p>A random tenth of the ready queue (the same "
        "people every week) is held out and never contacted; the difference between the "
        f"contacted's and the held out's {e(spec.success)} rates is what outreach adds. "
        + e(held["verdict"])
        + ".</p>"
        + _table(
            ["group", "rows", e(spec.success), "rate"],
            [
                [
                    "contacted",
                    held["contacted"],
                    held["contacted_meetings"],
                    _pct(_rate(held["contacted_meetings"], held["contacted"])),
                ],
                [
                    "held out",
                    held["held_out"],
                    held["held_out_meetings"],
                    _pct(_rate(held["held_out_meetings"], held["held_out"])),
                ],
            ],
        )
        + (
            f"<p>Uplift: {_points(held['uplift'])} (95% interval {_points(held['uplift_low'])} "
            f"to {_points(held['uplift_high'])}).</p>"
            if held["uplift"] is not None
            else ""
        )
        + "</section>"
    )
    if figures["experiments"]:
        parts.append(
            "<section><h2>Message experiments</h2><p>Each arm against its control, by a rule "
            "fixed before the data that stays true however often it is read (always-valid "
            "intervals of the difference, Holm's correction; docs/scoring.md): a winner is a "
            "winner even though this page is read every week.</p>"
            + charts.rate_chart(figures["experiments"], "variant")
            + _table(
                [
                    "experiment",
                    "variant",
                    "sends",
                    "meetings",
                    "rate",
                    "difference (always valid)",
                    "verdict",
                ],
                [
                    [
                        x["experiment_id"],
                        x["variant"],
                        x["sends"],
                        x["meetings"],
                        _pct(x["rate"]),
                        _interval(x),
                        x["verdict"],
                    ]
                    for x in figures["experiments"]
                ],
            )
            + "</section>"
        )
    return _PAGE.format(
        title=e(spec.title),
        generated=_when(figures["generated_at"]),
        body="\n".join(parts),
    )


_TIERS = ("hot", "warm", "cool", "cold")


def _rates_table(rates: list[dict], words: dict[str, str], success: str) -> str:
    """Every rate with its counts; a reason code in plain words, the code as a tooltip."""
    e = html.escape
    head = "".join(f"<th>{e(h)}</th>" for h in ("", "sends", success, "rate", "95% interval"))
    body = "".join(
        "<tr>"
        + f'<td title="{e(str(r["bucket"]))}">{e(words.get(str(r["bucket"]), str(r["bucket"])))}'
        + "</td>"
        + f"<td>{r['sends']}</td><td>{r['meetings']}</td><td>{_pct(r['rate'])}</td>"
        + f"<td>{_pct(r['rate_low'])} – {_pct(r['rate_high'])}</td></tr>"
        for r in rates
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _rate(hits: int, n: int) -> float | None:
    return hits / n if n else None


def _points(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:+.1f} points"


def _interval(arm: dict) -> str:
    if arm["is_control"] or arm["diff_low"] is None:
        return "–"
    return f"{100 * arm['diff_low']:+.1f} to {100 * arm['diff_high']:+.1f} points"


def _table(headers: list[str], rows: list[list[object]]) -> str:
    if not rows:
        return ""
    e = html.escape
    head = "".join(f"<th>{e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - weekly report</title>
<style>
body {{ font-family: sans-serif; max-width: 52em; margin: 2em auto; color: #222; }}
h1 {{ font-size: 1.5em; }} h2 {{ font-size: 1.15em; margin-top: 1.6em; }}
section {{ break-inside: avoid; }} svg {{ max-width: 100%; height: auto; }}
table {{ border-collapse: collapse; margin: .6em 0; }}
td, th {{ border: 1px solid #ccc; padding: .2em .5em; text-align: left; }}
.warn {{ color: #a40; }} .box {{ border: 2px solid #246; padding: 0 1em; }}
td {{ overflow-wrap: anywhere; }} .empty {{ color: #666; font-style: italic; }}
@page {{ size: A4; margin: 15mm; }}
@media print {{ body {{ margin: 0; max-width: none; }} }}
</style></head>
<body><h1>{title}</h1><p>Weekly report, made {generated}.</p>
{body}
</body></html>
"""
