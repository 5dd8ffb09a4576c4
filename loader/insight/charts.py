"""The report's charts: Vega-Altair specifications rendered to inline SVG by
vl-convert (no JavaScript, nothing fetched: the page opens offline)."""

from __future__ import annotations

import altair as alt
import vl_convert


def _svg(chart: alt.Chart) -> str:
    svg = vl_convert.vegalite_to_svg(chart.to_dict())
    return f'<figure class="chart">{svg}</figure>'


def queue_chart(rows: list[dict], group: str) -> str:
    data = alt.Data(values=rows)
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("rows:Q", title="ready now"),
            y=alt.Y("group:N", title=group, sort=None),
            color=alt.Color("channel:N", title="channel"),
        )
        .properties(width=420, height=alt.Step(22))
    )
    return _svg(chart)


def weekly_chart(rows: list[dict]) -> str:
    long = [
        {"week": r["week"], "what": what, "count": r[what]}
        for r in rows
        for what in ("sends", "replies", "meetings")
    ]
    chart = (
        alt.Chart(alt.Data(values=long))
        .mark_line(point=True)
        .encode(
            x=alt.X("week:T", title="week"),
            y=alt.Y("count:Q", title="count"),
            color=alt.Color("what:N", title=None),
        )
        .properties(width=460, height=200)
    )
    return _svg(chart)


def rate_chart(rows: list[dict], label: str) -> str:
    """Rates as points with their 95% intervals as error bars."""
    data = alt.Data(values=[r for r in rows if r.get("rate") is not None])
    base = alt.Chart(data).encode(y=alt.Y(f"{label}:N", title=None, sort=None))
    points = base.mark_point(filled=True, size=60).encode(
        x=alt.X("rate:Q", title="meeting rate", axis=alt.Axis(format="%"))
    )
    bars = base.mark_rule().encode(x="rate_low:Q", x2="rate_high:Q")
    return _svg((bars + points).properties(width=420, height=alt.Step(22)))
