"""Lane B at scale: partner ingests, the build and the partner ready view.

For each size (default 1M partner meetings) it generates a partner master of
rows/10 partners and rows partner meetings (found by the partner's email, as a
calendar export would name them) as CSV, cached in bench/out/, then on a fresh
scratch database:

  ingest        `loader ingest lane-b partners FILE`, the same file again (next
                Monday's master: every row matched, nothing changed), then
                `loader ingest lane-b appointments FILE`, each in its own process.
  build         `loader dbt build --select lane_b` models only, then with every
                test and unit test.
  queries       after partner touches and pauses made after the build, each
                dashboard query on bit.v_partner_outreach_ready five times
                (median), plans to bench/plans/lane_b_<rows>_<query>.txt.

    make bench-lane-b                             # 1M partner meetings
    .venv/bin/python bench/partner_bench.py --sizes 100000 1000000

Targets (issue 15, "either view"): every query under 50 ms at 1M meetings. The
table goes to bench/results_lane_b.md. The database is the loader's
(DATABASE_URL, else the embedded server); the user must be allowed to create
databases. The scratch database `lanes_bench_lane_b` is kept for a look until
the next run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent
OUT = ROOT / "out"

QUERIES = {
    "top_100": "select * from bit.v_partner_outreach_ready order by leverage_score desc limit 100",
    "top_100_value_content": (
        "select * from bit.v_partner_outreach_ready"
        " where recommended_next_action = 'send_value_content'"
        " order by leverage_score desc limit 100"
    ),
    "top_100_email": (
        "select * from bit.v_partner_outreach_ready where recommended_channel = 'email'"
        " order by leverage_score desc limit 100"
    ),
    "one_partner": (
        "select * from bit.v_partner_outreach_ready where fractional_cfo_id = %(partner)s"
    ),
    "count": "select count(*) from bit.v_partner_outreach_ready",
}
GEOGRAPHIES = ["Mid-Atlantic", "Northeast", "Midwest", "Southwest", "West Coast", "DACH"]
NICHES = ["Healthcare", "SaaS", "Manufacturing", "E-commerce", "Nonprofit", "Construction"]


def partner_files(rows: int) -> tuple[Path, Path]:
    """A partner master of rows/10 partners and rows meetings with them."""
    partners_path = OUT / f"lane_b_partners_{rows}.csv"
    meetings_path = OUT / f"lane_b_meetings_{rows}.csv"
    if partners_path.exists() and meetings_path.exists():
        return partners_path, meetings_path
    OUT.mkdir(parents=True, exist_ok=True)
    rng = random.Random(rows)
    count = max(rows // 10, 1)
    with partners_path.open("w") as handle:
        handle.write("firm_name,primary_contact_name,email,linkedin_url,geography,"
                     "niche_focus,source,status\n")  # fmt: skip
        for i in range(count):
            linkedin = f"https://www.linkedin.com/in/partner-{i}" if i % 2 else ""
            status = rng.choice(["prospect", "contacted", "engaged", "partner"])
            handle.write(
                f"Firm {i} CFO Partners,Dana{i} Whitfield,dana{i}@firm{i}.example,{linkedin},"
                f"{rng.choice(GEOGRAPHIES)},{rng.choice(NICHES)},"
                f"{rng.choice(['Referral', 'LinkedIn', 'Event'])},{status}\n"
            )
    today = dt.date.today()
    with meetings_path.open("w") as handle:
        handle.write("partner_email,meeting_date,meeting_type,outcome,notes\n")
        for n in range(rows):
            i = rng.randrange(count)
            day = today - dt.timedelta(days=rng.randrange(1, 900))
            notes = f"Call {n}: wants two intros a quarter" if n % 3 == 0 else ""
            handle.write(
                f"dana{i}@firm{i}.example,{day},{rng.choice(['intro', 'followup'])},"
                f"{rng.choice(['warm', 'neutral', 'cold'])},{notes}\n"
            )
    return partners_path, meetings_path


def activity_after_build(conn: psycopg.Connection, rng: random.Random) -> None:
    """Touches and pauses made after the build: the view's per-row checks have work."""
    from loader.platform.audit import AuditContext

    ready = [
        partner
        for (partner,) in conn.execute(
            "select fractional_cfo_id::text from bit.partner_intent"
            " where lifecycle_status = 'active' order by fractional_cfo_id limit 20000"
        ).fetchall()
    ]
    with conn.transaction():
        AuditContext(actor="bench").apply(conn)
        for partner in rng.sample(ready, min(2000, len(ready) // 10)):
            conn.execute(
                "insert into partners.partner_touches (fractional_cfo_id, channel, actor)"
                " values (%s, 'email', 'bench')",
                (partner,),
            )
        for partner in rng.sample(ready, min(500, len(ready) // 40)):
            conn.execute(
                "insert into partners.partner_pauses (fractional_cfo_id, action, reason, actor)"
                " values (%s, 'pause', 'bench', 'bench')",
                (partner,),
            )
    conn.execute("analyze partners.partner_touches")
    conn.execute("analyze partners.partner_pauses")


def run_queries(conn: psycopg.Connection, rows: int) -> dict[str, float]:
    from view_bench import time_queries

    # One well down the queue (the 500th, or the middle of a short one).
    partner = conn.execute(
        "select fractional_cfo_id::text from bit.v_partner_outreach_ready"
        " order by leverage_score desc offset least(500, ("
        "select count(*) / 2 from bit.v_partner_outreach_ready)) limit 1"
    ).fetchone()[0]
    return time_queries(conn, QUERIES, {"partner": partner}, f"lane_b_{rows}")


def measure(admin: str, rows: int) -> dict:
    from ingest_bench import scratch_database
    from view_bench import build_times, timed

    from loader.platform.roles import ensure_roles

    partners_path, meetings_path = partner_files(rows)
    url = scratch_database(admin, "lanes_bench_lane_b")
    with psycopg.connect(url, autocommit=True) as conn:
        ensure_roles(conn)  # the ready view's grant
    result: dict = {"rows": rows}
    result["ingest_partners_s"] = timed(["ingest", "lane-b", "partners", str(partners_path)], url)
    result["ingest_partners_again_s"] = timed(
        ["ingest", "lane-b", "partners", str(partners_path)], url
    )
    result["ingest_meetings_s"] = timed(
        ["ingest", "lane-b", "appointments", str(meetings_path)], url
    )
    print(f"{rows:>11,} meetings: partners {result['ingest_partners_s']:.1f} s "
          f"(again {result['ingest_partners_again_s']:.1f} s), "
          f"meetings {result['ingest_meetings_s']:.1f} s", flush=True)  # fmt: skip
    result["build_models_s"], result["build_tests_s"] = build_times(url, "lane_b")
    print(f"            build {result['build_models_s']:.1f} s models, "
          f"{result['build_tests_s']:.1f} s with tests", flush=True)  # fmt: skip
    with psycopg.connect(url, autocommit=True) as conn:
        result["partners"] = conn.execute(
            "select count(*) from partners.fractional_cfo_master"
        ).fetchone()[0]
        activity_after_build(conn, random.Random(rows))
        result["ready_rows"] = conn.execute(QUERIES["count"]).fetchone()[0]
        result["query_ms"] = run_queries(conn, rows)
    print("            queries " + ", ".join(
        f"{name} {ms:.1f} ms" for name, ms in result["query_ms"].items()), flush=True)  # fmt: skip
    return result


def table(results: list[dict], server: str) -> str:
    names = list(QUERIES)
    lines = [
        f"Lane B, {server}, {os.cpu_count()} cores, {dt.date.today()} "
        "(`bench/partner_bench.py`; view queries: median of 5, ms)",
        "",
        "| partner meetings | partners | ingest partners | the same partners again "
        "| ingest meetings "
        "| dbt build, models | dbt build, with tests | ready partners | "
        + " | ".join(names)
        + " |",
        "|---:" * (8 + len(names)) + "|",
    ]
    for r in results:
        q = r["query_ms"]
        lines.append(
            f"| {r['rows']:,} | {r['partners']:,} | {r['ingest_partners_s']:.1f} s"
            f" | {r['ingest_partners_again_s']:.1f} s"
            f" | {r['ingest_meetings_s']:.1f} s | {r['build_models_s']:.1f} s"
            f" | {r['build_tests_s']:.1f} s | {r['ready_rows']:,} | "
            + " | ".join(f"{q[n]:,.1f}" for n in names)
            + " |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--results", type=Path, default=ROOT / "results_lane_b.md")
    args = parser.parse_args()

    from loader.platform.database import resolve, with_database

    admin = with_database(resolve().conninfo, "postgres")
    with psycopg.connect(admin) as conn:
        server = "PostgreSQL " + conn.execute("show server_version").fetchone()[0].split()[0]
    server += " (embedded)" if "DATABASE_URL" not in os.environ else " (DATABASE_URL)"
    results = [measure(admin, rows) for rows in args.sizes]
    text = table(results, server)
    print()
    print(text)
    args.results.write_text(text)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results_lane_b.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
