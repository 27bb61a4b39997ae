"""Plotly figure of a ranking round's aggregated result."""
from __future__ import annotations

from typing import TYPE_CHECKING
from flask_babel import gettext as _

from budget_app.charts import PALETTE, base_layout
from budget_app.i18n import text_direction
from priorities.models import METHOD_POINTS

if TYPE_CHECKING:  # annotations only: the module itself imports it where it is used
    import plotly.graph_objects as go


def _short(text: str, n: int = 32) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def results_figure(rnd, rows) -> go.Figure:
    """Horizontal bars, best on top: total points or Borda score per priority."""
    import plotly.graph_objects as go  # plotly: imported when a chart is drawn, not at start-up
    rows = list(rows)[::-1]  # plotly draws the first bar at the bottom
    axis_title = _("Total points") if rnd.method == METHOD_POINTS else _("Borda score")
    fig = go.Figure(go.Bar(
        x=[r.score for r in rows],
        y=[f"{r.position}. {_short(r.priority.title)}" for r in rows],
        orientation="h", marker_color=PALETTE[0],
        text=[r.score for r in rows], textposition="auto",
        hovertemplate="%{y}: %{x}<extra></extra>",
    ))
    rtl = text_direction() == "rtl"
    layout = base_layout(rtl, title=_("Aggregated ranking"), xaxis={"title": axis_title},
                         height=max(320, 60 + 38 * len(rows)))
    # Room for the priority titles on the side the bars start from.
    layout["margin"] = {"l": 20, "r": 250, "t": 50, "b": 60} if rtl else {"l": 250, "r": 20, "t": 50, "b": 60}
    fig.update_layout(**layout)
    fig.update_yaxes(automargin=True, side="right" if rtl else "left", ticklabelstandoff=8)
    if rtl:
        fig.update_xaxes(autorange="reversed")
    return fig
