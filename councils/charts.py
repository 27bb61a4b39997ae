"""Plotly figures of council work, built from the plain figures of ``services.summary``."""
from __future__ import annotations

from typing import TYPE_CHECKING
from flask_babel import gettext as _
from flask_babel import pgettext

from budget_app.charts import PALETTE, base_layout
from budget_app.i18n import text_direction
from councils.labels import GENDER_LABELS, PARTICIPANT_CATEGORY_LABELS, label
from councils.models import GENDERS

if TYPE_CHECKING:  # annotations only: the module itself imports it where it is used
    import plotly.graph_objects as go


def participants_figure(summary: dict) -> go.Figure:
    """Participants by category, one bar per gender (grouped)."""
    import plotly.graph_objects as go  # plotly: imported when a chart is drawn, not at start-up
    categories = list(summary["participants"])
    names = [label(PARTICIPANT_CATEGORY_LABELS, c) for c in categories]
    fig = go.Figure()
    for i, gender in enumerate(GENDERS):
        fig.add_bar(name=label(GENDER_LABELS, gender), x=names,
                    y=[summary["participants"][c][gender] for c in categories],
                    marker_color=PALETTE[i])
    rtl = text_direction() == "rtl"
    fig.update_layout(**base_layout(rtl, barmode="group", title=_("Participants by category and gender"),
                                    yaxis={"title": _("Participants")}, margin={"l": 60, "r": 20, "t": 50,
                                                                                 "b": 120}))
    fig.update_xaxes(automargin=True, tickangle=-30)
    if rtl:
        fig.update_xaxes(autorange="reversed")
    return fig


def recommendations_figure(summary: dict) -> go.Figure:
    import plotly.graph_objects as go  # plotly: imported when a chart is drawn, not at start-up
    labels = [pgettext("recommendation", "Done"), _("Open or in progress"), _("Dropped")]
    values = [summary["recommendations_done"], summary["recommendations_open"], summary["recommendations_dropped"]]
    fig = go.Figure(go.Bar(x=labels, y=values, marker_color=[PALETTE[2], PALETTE[1], PALETTE[7]]))
    rtl = text_direction() == "rtl"
    fig.update_layout(**base_layout(rtl, title=_("Recommendations: done and open"),
                                    yaxis={"title": _("Recommendations")}))
    if rtl:
        fig.update_xaxes(autorange="reversed")
    return fig
