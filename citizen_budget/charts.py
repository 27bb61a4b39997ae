"""Plotly figures of the citizen budget, built from :mod:`citizen_budget.figures`.

Bars rather than pies; a Sankey from funding source to sector; a treemap from sector to each
allocation; labels in the page language; the colour-blind-safe palette of ``budget_app.charts``.
Each builder returns ``(figure, text alternative)``; the page shows an HTML table next to each.
"""
from __future__ import annotations

import plotly.graph_objects as go
from flask_babel import gettext as _

from budget_app.charts import PALETTE, base_layout
from budget_app.i18n import format_money, format_pct
from citizen_budget.figures import Figures, comparison_rows, name, title
from citizen_budget.labels import QUARTER_LABELS


def _major(minor: int) -> float:
    return round(minor / 100, 2)


def _layout(lang: str, height: int = 420, **kw) -> dict:
    layout = base_layout(rtl=lang == "ar", height=height, **kw)
    layout["hoverlabel"] = {"align": "right" if lang == "ar" else "left"}
    # "Share chart" would upload the figure to Plotly's cloud: nothing leaves the site.
    layout["modebar"] = {"remove": ["sendChartToCloud", "sendDataToCloud", "lasso2d", "select2d"]}
    return layout


def _top(groups, lang, fallback, currency, n=3) -> str:
    return "; ".join(f"{g.label(lang, fallback)}: {format_money(g.amount_minor, currency)} "
                     f"({format_pct(g.share)})" for g in groups[:n])


def sources_sankey(f: Figures, lang: str):
    """Funding source → sector, widths in money."""
    unspecified_source, unspecified_sector = _("Not specified"), _("Other")
    sources = list(dict.fromkeys(s for s, _t, _v in f.flows))
    sectors = list(dict.fromkeys(t for _s, t, _v in f.flows))
    sector_refs = {g.code: g.ref for g in f.by_sector}
    labels = [name(f.source_ref(s), lang, unspecified_source) for s in sources] + \
             [name(sector_refs.get(t), lang, unspecified_sector) for t in sectors]
    colors = [PALETTE[i % len(PALETTE)] for i in range(len(sources))] + ["#6b6b6b"] * len(sectors)
    link_colors = [_rgba(PALETTE[sources.index(s) % len(PALETTE)], 0.45) for s, _t, _v in f.flows]
    fig = go.Figure(go.Sankey(
        arrangement="snap",
        node={"label": labels, "color": colors, "pad": 18, "thickness": 18},
        link={"source": [sources.index(s) for s, _t, _v in f.flows],
              "target": [len(sources) + sectors.index(t) for _s, t, _v in f.flows],
              "value": [_major(v) for _s, _t, v in f.flows],
              "customdata": [format_money(v, f.currency) for _s, _t, v in f.flows],
              "hovertemplate": "%{source.label} → %{target.label}: %{customdata}<extra></extra>",
              "color": link_colors}))
    fig.update_layout(**_layout(lang, 460))
    alt = _("Diagram of the money flowing from each funding source to each sector. Largest sources: "
            "%(items)s.", items="; ".join(f"{name(s['ref'], lang)}: {format_money(s['amount_minor'], f.currency)}"
                                          for s in f.by_source[:3]))
    return fig, alt


def _rgba(hex_color: str, alpha: float) -> str:
    h = hex_color.lstrip("#")
    return f"rgba({int(h[0:2], 16)},{int(h[2:4], 16)},{int(h[4:6], 16)},{alpha})"


def sectors_treemap(f: Figures, lang: str):
    """Sector → allocation, areas in money."""
    other = _("Other")
    ids, labels, parents, values, text, colors = [], [], [], [], [], []
    for i, g in enumerate(f.by_sector):
        sid = f"s:{g.code}"
        colour = PALETTE[i % (len(PALETTE) - 1)]  # no black fill: labels must stay readable
        ids.append(sid)
        colors.append(colour)
        labels.append(g.label(lang, other))
        parents.append("")
        values.append(_major(g.amount_minor))
        text.append(f"{format_money(g.amount_minor, f.currency)} · {format_pct(g.share)}")
        for a in g.allocations:
            ids.append(f"a:{a['code']}")
            colors.append(colour)  # an allocation takes its sector's colour
            labels.append(title(a, lang))
            parents.append(sid)
            values.append(_major(a["amount_minor"]))
            text.append(format_money(a["amount_minor"], f.currency))
    fig = go.Figure(go.Treemap(ids=ids, labels=labels, parents=parents, values=values, text=text,
                               branchvalues="total", textinfo="label+text", hoverinfo="label+text",
                               textposition="middle center",  # a centred anchor renders Arabic text inside its tile
                               marker={"colors": colors, "line": {"color": "#ffffff", "width": 2}},
                               pathbar={"visible": True}))
    fig.update_layout(**_layout(lang, 460, margin={"l": 10, "r": 10, "t": 30, "b": 10}))
    alt = _("Treemap of the allocations grouped by sector. Largest sectors: %(items)s.",
            items=_top(f.by_sector, lang, other, f.currency))
    return fig, alt


def group_bars(groups, f: Figures, lang: str, fallback: str, alt_template: str):
    """Horizontal bars (largest on top) of a breakdown: by target group or by locality."""
    rows = list(reversed(groups))
    fig = go.Figure(go.Bar(
        x=[_major(g.amount_minor) for g in rows], y=[g.label(lang, fallback) for g in rows], orientation="h",
        marker={"color": PALETTE[0]}, text=[format_money(g.amount_minor, f.currency) for g in rows],
        textposition="auto", hovertemplate="%{y}: %{text}<extra></extra>"))
    # Room for the category names on the axis side (Plotly's automargin under-measures Arabic).
    longest = max((len(g.label(lang, fallback)) for g in rows), default=10)
    room = min(60 + 8 * longest, 260)
    margin = {"t": 20, "b": 50, "r": room, "l": 30} if lang == "ar" else {"t": 20, "b": 50, "l": room, "r": 30}
    fig.update_layout(**_layout(lang, max(260, 60 + 42 * len(rows)), margin=margin,
                                xaxis={"title": {"text": f.currency}, "side": "bottom"},
                                yaxis={"automargin": True, "side": "right" if lang == "ar" else "left"}))
    if lang == "ar":
        fig.update_xaxes(autorange="reversed")
    return fig, alt_template % {"items": _top(groups, lang, fallback, f.currency)}


def execution_bars(f: Figures, lang: str):
    """Allocated and executed amounts per sector."""
    other = _("Other")
    labels = [g.label(lang, other) for g in f.by_sector]
    fig = go.Figure([
        go.Bar(name=_("Allocated"), x=labels, y=[_major(g.amount_minor) for g in f.by_sector],
               marker={"color": PALETTE[0]}),
        go.Bar(name=_("Spent"), x=labels, y=[_major(g.executed_minor) for g in f.by_sector],
               marker={"color": PALETTE[1], "pattern": {"shape": "/"}}),
    ])
    fig.update_layout(**_layout(lang, 420, barmode="group", yaxis={"title": {"text": f.currency}}))
    if lang == "ar":
        fig.update_xaxes(autorange="reversed")
    alt = _("Bar chart comparing the money allocated and the money spent in each sector. In total "
            "%(spent)s of %(allocated)s have been spent (%(rate)s).",
            spent=format_money(f.executed_minor, f.currency), allocated=format_money(f.allocated_minor, f.currency),
            rate=format_pct(f.execution_rate or 0))
    return fig, alt


def quarters_bars(f: Figures, lang: str):
    labels = [str(QUARTER_LABELS[q]) for q in (1, 2, 3, 4)]
    fig = go.Figure(go.Bar(x=labels, y=[_major(f.quarters.get(q, 0)) for q in (1, 2, 3, 4)],
                           marker={"color": PALETTE[2]},
                           text=[format_money(f.quarters.get(q, 0), f.currency) for q in (1, 2, 3, 4)],
                           textposition="auto", hovertemplate="%{x}: %{text}<extra></extra>"))
    fig.update_layout(**_layout(lang, 340, yaxis={"title": {"text": f.currency}}))
    if lang == "ar":
        fig.update_xaxes(autorange="reversed")
    alt = _("Bar chart of the money spent in each quarter of the year: %(items)s.",
            items="; ".join(f"{labels[q - 1]}: {format_money(f.quarters.get(q, 0), f.currency)}" for q in (1, 2, 3, 4)))
    return fig, alt


def comparison_bars(f: Figures, lang: str):
    """This year and the previous year by sector."""
    rows = comparison_rows(f)
    other = _("Other")
    labels = [name(r["ref"], lang, other) for r in rows]
    prev_year, year = f.previous["fiscal_year"], f.snapshot["fiscal_year"]
    fig = go.Figure([
        go.Bar(name=str(prev_year), x=labels, y=[_major(r["previous"]) for r in rows], marker={"color": PALETTE[4]}),
        go.Bar(name=str(year), x=labels, y=[_major(r["current"]) for r in rows], marker={"color": PALETTE[0]}),
    ])
    fig.update_layout(**_layout(lang, 420, barmode="group", yaxis={"title": {"text": f.currency}}))
    if lang == "ar":
        fig.update_xaxes(autorange="reversed")
    alt = _("Bar chart comparing the allocations of %(year)s with those of %(previous)s, sector by sector. "
            "In total: %(current_total)s in %(year)s and %(previous_total)s in %(previous)s.",
            year=year, previous=prev_year, current_total=format_money(f.allocated_minor, f.currency),
            previous_total=format_money(f.previous["allocated_minor"], f.currency))
    return fig, alt
