"""Plotly figures of a cycle's results (labels in the page language; data tables sit next to them)."""
from __future__ import annotations

from typing import TYPE_CHECKING
from flask_babel import gettext as _

from budget_app.charts import PALETTE, base_layout, chart_payload
from budget_app.i18n import format_money, text_direction

if TYPE_CHECKING:  # annotations only: the module itself imports it where it is used
    import plotly.graph_objects as go

FUNDED, NOT_FUNDED, LINE = PALETTE[2], PALETTE[1], PALETTE[7]


def payload(fig) -> str:
    return chart_payload(fig)


def votes_chart(rows, cycle) -> go.Figure:
    """Bars of votes (or points) per proposal, funded and not funded in two colours and patterns
    (not colour alone), with the funding line at the lowest score that was funded."""
    import plotly.graph_objects as go  # plotly: imported when a chart is drawn, not at start-up
    rtl = text_direction() == "rtl"
    ordered = sorted(rows, key=lambda r: (-r["score"], r["code"]))
    fig = go.Figure()
    for funded, name, color, pattern in ((True, _("Funded"), FUNDED, ""), (False, _("Not funded"), NOT_FUNDED, "/")):
        part = [r for r in ordered if r["funded"] == funded]
        fig.add_bar(
            x=[r["code"] for r in part], y=[r["score"] for r in part], name=name,
            marker={"color": color, "pattern": {"shape": pattern}},
            customdata=[[r["proposal"].title, format_money(r["cost_minor"], cycle.currency)] for r in part],
            hovertemplate="%{x}: %{customdata[0]}<br>" + _("Votes") + ": %{y}<br>" + _("Cost") +
                          ": %{customdata[1]}<extra></extra>")
    funded_scores = [r["score"] for r in rows if r["funded"]]
    shapes, annotations = [], []
    if funded_scores:
        line = min(funded_scores)
        shapes.append({"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": line, "y1": line,
                       "line": {"color": LINE, "dash": "dash", "width": 2}})
        annotations.append({"xref": "paper", "x": 1 if not rtl else 0, "y": line, "yanchor": "bottom",
                            "xanchor": "right" if not rtl else "left", "showarrow": False,
                            "text": _("Funding line")})
    fig.update_layout(**base_layout(rtl, barmode="overlay", shapes=shapes, annotations=annotations,
                                    xaxis={"title": _("Budget-line code"), "categoryorder": "array",
                                           "categoryarray": [r["code"] for r in ordered],
                                           "autorange": "reversed" if rtl else True},
                                    yaxis={"title": str(cycle.method.score_label),
                                           "side": "right" if rtl else "left"}))
    return fig


def envelope_chart(final_cost_minor: int, cycle) -> go.Figure:
    """One horizontal bar: the envelope split into allocated and left."""
    import plotly.graph_objects as go  # plotly: imported when a chart is drawn, not at start-up
    rtl = text_direction() == "rtl"
    left = max(cycle.envelope_minor - final_cost_minor, 0)
    fig = go.Figure()
    for value, name, color, pattern in ((final_cost_minor, _("Allocated"), FUNDED, ""),
                                        (left, _("Left"), "#d5dbe3", "/")):
        fig.add_bar(y=[_("Envelope")], x=[value / 100], name=name, orientation="h",
                    marker={"color": color, "pattern": {"shape": pattern}},
                    text=[format_money(value, cycle.currency)], textposition="inside",
                    hovertemplate=name + ": %{text}<extra></extra>")
    fig.update_layout(**base_layout(rtl, barmode="stack", height=200, margin={"l": 130, "r": 130, "t": 20, "b": 40},
                                    xaxis={"title": cycle.currency, "autorange": "reversed" if rtl else True}))
    return fig


def sandbox_chart(rows) -> go.Figure:
    """The rule sandbox: per rule, the share of voters with a funded proposal and the share of the
    envelope spent, side by side (two colours and patterns; the same numbers are in its table)."""
    import plotly.graph_objects as go  # plotly: imported when a chart is drawn, not at start-up
    rtl = text_direction() == "rtl"
    fig = go.Figure()
    labels = [r["label"] for r in rows]
    for key, text, name, color, pattern in (
            ("non_empty_share", "non_empty", _("Voters with a funded proposal"), FUNDED, ""),
            ("spent_share", "spent_pct", _("Envelope spent"), PALETTE[0], "/")):
        fig.add_bar(x=labels, y=[r[key] for r in rows], name=name, text=[r[text] for r in rows],
                    textposition="outside", marker={"color": color, "pattern": {"shape": pattern}},
                    hovertemplate="%{x}<br>" + name + ": %{text}<extra></extra>")
    fig.update_layout(**base_layout(rtl, barmode="group", height=360,
                                    xaxis={"autorange": "reversed" if rtl else True},
                                    yaxis={"range": [0, 1.15], "tickformat": ".0%",
                                           "side": "right" if rtl else "left"}))
    return fig
