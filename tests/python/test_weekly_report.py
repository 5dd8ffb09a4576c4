"""`loader report lane-a|lane-b`: the page a manager opens says what the views say.

The example workbooks and their example weeks of outreach (as `make demo` loads them)
are the data; the report's figures are compared with the views' own, the page is
checked to need nothing but a browser (no script, nothing fetched), and a real headless
Chromium renders it: no console error, a screenshot kept under tests/output for a person
to look at. Under CI=true a missing browser fails the test instead of skipping it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest
from cli_run import run_main
from dbt_project_runner import build_lane_a, dbt_build, load_examples

from loader.demo import load_example_activity

pytestmark = pytest.mark.dbt

OUTPUT = Path(__file__).parents[1] / "output"


def _examples_with_activity(database_url: str, scratch: Path) -> None:
    load_examples(database_url, scratch)
    dbt_build(database_url, "lane_a lane_b", with_tests=False)
    with psycopg.connect(database_url, autocommit=True) as conn:
        load_example_activity(conn, scratch, dt.date.today())
    dbt_build(database_url, "lane_a lane_b", with_tests=False)


@pytest.fixture
def reported(database_copy, capsys, monkeypatch) -> str:
    url = database_copy("examples_with_activity", _examples_with_activity)
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def _browser() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


# What a browser shows does not change with the server: once, in the embedded run.
@pytest.mark.once
@pytest.mark.parametrize(
    ("lane", "score_view", "experiments_view", "performance_view"),
    [
        ("lane-a", "bit.v_reactivation_score_check", "bit.v_reactivation_experiments",
         "bit.v_reactivation_performance"),
        ("lane-b", "bit.v_partner_score_check", "bit.v_partner_experiments",
         "bit.v_partner_performance"),
    ],
)  # fmt: skip
def test_the_report_says_what_the_views_say_and_opens_in_a_browser(
    reported: str,
    tmp_path: Path,
    capsys,
    monkeypatch,
    lane: str,
    score_view: str,
    experiments_view: str,
    performance_view: str,
) -> None:
    out = tmp_path / f"report_{lane}.html"
    code, printed, err = run_main(
        ["report", lane, "--out", str(out), "--json"], capsys, monkeypatch
    )
    assert code == 0, err
    figures = json.loads(printed)
    with psycopg.connect(reported) as conn:
        score = conn.execute(
            f"select sends, meetings, auc, auc_low, auc_high, verdict from {score_view}"
            " where check_kind = 'score'"
        ).fetchone()
        overall = conn.execute(
            f"select touches, meetings from {performance_view} where dimension = 'overall'"
        ).fetchone()
        arms = conn.execute(f"select count(*) from {experiments_view}").fetchone()[0]
    check = figures["score_check"]
    assert (check["touches"], check["meetings"], check["verdict"]) == (
        score[0], score[1], score[5]
    )  # fmt: skip
    for key, value in zip(("auc", "auc_low", "auc_high"), score[2:5], strict=True):
        assert check[key] == (None if value is None else float(value))
    assert check["touches"] > 0  # the example weeks give the score check sends
    [row] = [r for r in figures["rates"] if r["dimension"] == "overall"]
    assert (row["sends"], row["meetings"]) == overall
    assert len(figures["experiments"]) == arms
    assert sum(w["sends"] for w in figures["weekly"]) == overall[0]

    page = out.read_text(encoding="utf-8")
    charts = page.count("<svg")
    assert charts >= 4
    assert "<script" not in page and "<link" not in page and "<img" not in page
    external = {
        u for u in re.findall(r"(?:https?:)?//[^\s\"'<>)]+", page)
        if u not in ("http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink")
    }  # fmt: skip
    assert not external, external  # nothing to fetch: the page opens offline

    browser = _browser()
    if browser is None:
        if os.environ.get("CI") == "true":
            pytest.fail("no Chromium to open the report in (the Makefile installs Debian's)")
        pytest.skip("no Chromium here (apt-get install chromium)")
    OUTPUT.mkdir(exist_ok=True)
    shot = OUTPUT / f"report_{lane}.png"
    run = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         "--enable-logging=stderr", "--v=0", f"--screenshot={shot}", "--window-size=1000,2400",
         out.resolve().as_uri()],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    console = [line for line in run.stderr.splitlines() if "CONSOLE" in line]
    assert console == [], console
    assert shot.stat().st_size > 20_000  # a rendered page, not a blank one


@pytest.mark.once
def test_a_lane_with_no_sends_says_what_to_do_first(
    database_copy, tmp_path: Path, capsys, monkeypatch
) -> None:
    url = database_copy("lane_a_built_empty", build_lane_a)
    monkeypatch.setenv("DATABASE_URL", url)
    out = tmp_path / "empty.html"
    code, _, err = run_main(["report", "lane-a", "--out", str(out)], capsys, monkeypatch)
    assert code == 0, err
    page = out.read_text(encoding="utf-8")
    assert "No sends yet" in page and "--mark-touched" in page
    assert page.count("<svg") == 0  # no empty axes
    assert "not enough sends yet (0)" in page


@pytest.mark.parametrize("lane", ["lane-a", "lane-b"])
def test_status_and_report_show_the_same_numbers(
    reported: str, tmp_path: Path, capsys, monkeypatch, lane: str
) -> None:
    # One registry of sections feeds both (loader/insight/sections.py): a figure can
    # never differ between the screen and the page.
    code, printed, err = run_main(["status", lane, "--json"], capsys, monkeypatch)
    assert code == 0, err
    status = json.loads(printed)["sections"]
    out = tmp_path / "report.html"
    code, printed, err = run_main(
        ["report", lane, "--out", str(out), "--json", "--weeks", "104"], capsys, monkeypatch
    )
    assert code == 0, err
    report = json.loads(printed)
    for key in ("queue", "out_of_queue", "activity", "weekly", "rates", "experiments"):
        assert report[key] == status[key], key
    assert sum(row["sends"] for row in report["weekly"]) > 0, "the example weeks have sends"
    score = next(row for row in status["score_check"] if row["check"] == "score")
    assert (report["score_check"]["touches"], report["score_check"]["verdict"]) == (
        score["sends"],
        score["verdict"],
    )
    assert [b["band"] for b in report["score_check"]["bands"]] == sorted(
        row["bucket"] for row in status["score_check"] if row["check"] == "band"
    )
    # On a 100-column screen every header is whole and the verdict wraps, never cut.
    code, screen, err = run_main(["status", lane], capsys, monkeypatch)
    assert code == 0, err
    assert max(len(line) for line in screen.splitlines()) <= 100
    for header in ("rate_low", "rate_high", "meetings", "verdict"):
        assert f" {header} " in screen, header
