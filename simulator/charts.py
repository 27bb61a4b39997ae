"""Plotly figures of a simulation's results (bar traces only: the served bundle has bar,
sankey and treemap, no box plot, so the spread is a floating bar from the first to the third
quartile). Each figure has its table on the page."""
from __future__ import annotations

from flask_babel import gettext as _

from budget_app.charts import PALETTE, base_layout, cached_payload, chart_payload
from budget_app.i18n import format_number, minor_to_major, text_direction


def _major(minor) -> float:
    return float(minor_to_major(minor))


def _horizontal(fig, rows: int):
    rtl = text_direction() == "rtl"
    fig.update_layout(**base_layout(rtl, barmode="group", height=max(320, 70 * rows + 140),
                                    margin={"l": 20, "r": 20, "t": 60, "b": 40}))
    fig.update_yaxes(automargin=True, autorange="reversed", side="right" if rtl else "left")
    fig.update_xaxes(autorange="reversed" if rtl else True)
    return fig


def means_figure(r: dict):
    import plotly.graph_objects as go  # heavy library: imported on first use, not at start-up

    labels = [line["label"] for line in r["lines"]]
    fig = go.Figure()
    fig.add_bar(name=_("Citizens' average"), y=labels, x=[_major(line["stats"]["mean"]) for line in r["lines"]],
                orientation="h", marker_color=PALETTE[0])
    fig.add_bar(name=_("Citizens' median"), y=labels, x=[_major(line["stats"]["median"]) for line in r["lines"]],
                orientation="h", marker_color=PALETTE[4])
    fig.add_bar(name=_("Estimated cost") if r.get("of_priorities") else _("Last year"), y=labels,
                x=[_major(line["reference"]) for line in r["lines"]],
                orientation="h", marker_color=PALETTE[1])
    if r["final_decided"]:
        fig.add_bar(name=_("The council's allocation"), y=labels, x=[_major(line["final"]) for line in r["lines"]],
                    orientation="h", marker_color=PALETTE[2])
    return _horizontal(fig, len(labels) * (4 if r["final_decided"] else 3) // 2)


def spread_figure(r: dict):
    import plotly.graph_objects as go  # heavy library: imported on first use, not at start-up

    labels = [line["label"] for line in r["lines"]]
    q1 = [_major(line["stats"]["q1"]) for line in r["lines"]]
    q3 = [_major(line["stats"]["q3"]) for line in r["lines"]]
    fig = go.Figure(go.Bar(name=_("Middle half of the citizens' amounts"), y=labels,
                           x=[b - a for a, b in zip(q1, q3)], base=q1, orientation="h", marker_color=PALETTE[4]))
    return _horizontal(fig, len(labels))


def per_day_figure(r: dict):
    import plotly.graph_objects as go  # heavy library: imported on first use, not at start-up

    days = [d.isoformat() for d, _n in r["per_day"]]
    fig = go.Figure(go.Bar(x=days, y=[n for _d, n in r["per_day"]], marker_color=PALETTE[0],
                           name=_("Submissions")))
    rtl = text_direction() == "rtl"
    fig.update_layout(**base_layout(rtl, height=320, margin={"l": 50, "r": 20, "t": 30, "b": 60},
                                    yaxis={"title": _("Submissions")}))
    fig.update_xaxes(type="category", autorange="reversed" if rtl else True)
    return fig


def breakdown_figure(r: dict, breakdown: dict):
    """The average each group (of one optional question) gave each line: one bar per group."""
    import plotly.graph_objects as go  # heavy library: imported on first use, not at start-up

    labels = [line["label"] for line in r["lines"]]
    fig = go.Figure()
    for index, group in enumerate(breakdown["groups"]):
        fig.add_bar(name=f"{group['label']} ({format_number(group['count'])})", y=labels,
                    x=[_major(m) for m in group["means"]], orientation="h",
                    marker_color=PALETTE[index % len(PALETTE)])
    # The legend names the groups even when there is one (Plotly hides a lone trace's legend).
    return _horizontal(fig, len(labels) * max(1, len(breakdown["groups"])) // 2 + 1).update_layout(showlegend=True)


def figures(r: dict) -> dict:
    """Every chart of the results page; ``breakdowns`` by question key (only those with a group
    large enough to show)."""
    return {"means": chart_payload(means_figure(r)), "spread": chart_payload(spread_figure(r)),
            "per_day": chart_payload(per_day_figure(r)),
            "breakdowns": {b["key"]: chart_payload(breakdown_figure(r, b)) for b in r["breakdowns"] if b["groups"]}}


def citizen_budget_figure(section: dict):
    """For the citizen budget: citizens' median beside the council's decision, per line."""
    import plotly.graph_objects as go  # heavy library: imported on first use, not at start-up

    labels = [line["label"] for line in section["lines"]]
    fig = go.Figure()
    fig.add_bar(name=_("Citizens' median"), y=labels, x=[_major(line["median"]) for line in section["lines"]],
                orientation="h", marker_color=PALETTE[4])
    fig.add_bar(name=_("The council's decision"), y=labels, x=[_major(line["decided"]) for line in section["lines"]],
                orientation="h", marker_color=PALETTE[2])
    return _horizontal(fig, len(labels))


def citizen_budget_payload(section: dict) -> str:
    """The chart's JSON, built once per simulation, figures and language."""
    key = ("simulator-citizen-budget", section["simulation"].id,
           tuple((line["label"], line["median"], line["decided"]) for line in section["lines"]))
    return cached_payload(key, lambda: chart_payload(citizen_budget_figure(section)))
