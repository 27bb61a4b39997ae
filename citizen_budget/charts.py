"""Plotly figures of the citizen budget, built from :mod:`citizen_budget.figures`.

Bars rather than pies; a Sankey from funding source to sector; a treemap from sector to each
allocation; labels in the page language; the colour-blind-safe palette of ``budget_app.charts``.
Each builder returns ``(figure, text alternative)``; the page shows an HTML table next to each.
"""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from babel.numbers import get_currency_symbol
from flask_babel import gettext as _
from flask_babel import ngettext

from budget_app.charts import PALETTE, base_layout
from budget_app.i18n import current_language, format_date, format_money, format_pct
from citizen_budget.figures import UNALLOCATED_CODE, Figures, comparison_rows, name, title
from citizen_budget.labels import MILESTONE_STATUS_LABELS, QUARTER_LABELS, label

if TYPE_CHECKING:  # annotations only: the module itself imports it where it is used
    import plotly.graph_objects as go


def _major(minor: int) -> float:
    return round(minor / 100, 2)


def _layout(lang: str, height: int = 420, **kw) -> dict:
    layout = base_layout(rtl=lang == "ar", height=height, **kw)
    layout["hoverlabel"] = {"align": "right" if lang == "ar" else "left"}
    # "Share chart" would upload the figure to Plotly's cloud: nothing leaves the site.
    layout["modebar"] = {"remove": ["sendChartToCloud", "sendDataToCloud", "lasso2d", "select2d"]}
    return layout


def _money_axis(currency: str, titled: bool = True, **kw) -> dict:
    """An amount axis: whole numbers with separators (not "804k"), its title clear of the ticks.

    A vertical amount axis carries the currency sign on its ticks instead of a title: on the
    right-hand side (Arabic) Plotly drew the rotated title over the tick labels.
    """
    axis = {"tickformat": ",d", "automargin": True, "rangemode": "tozero", **kw}
    if titled:
        axis["title"] = {"text": _("Amount in %(currency)s", currency=currency), "standoff": 14}
    else:
        axis["ticksuffix"] = "\u00a0" + get_currency_symbol(currency, locale=current_language())
    return axis


def _wrap(label: str, width: int = 16) -> str:
    """A category label on up to three lines, so it neither rotates nor gets cut off."""
    words, lines, line = label.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    if len(lines) > 3:
        lines = lines[:2] + [" ".join(lines[2:])]
    return "<br>".join(lines)


def _money_margin(lang: str) -> dict:
    """Room for the amount ticks and the axis title on the amount side (right in Arabic): Plotly's
    automargin left "350,000" cut and the title over the ticks on a right-hand axis."""
    wide, narrow = 120, 20
    return {"t": 30, "b": 90, "r": wide, "l": narrow} if lang == "ar" else {"t": 30, "b": 90, "l": wide, "r": narrow}


def _category_axis(lang: str, **kw) -> dict:
    return {"automargin": True, "tickangle": 0, "autorange": "reversed" if lang == "ar" else True, **kw}


def _top(groups, lang, fallback, currency, n=3) -> str:
    return "; ".join(f"{g.label(lang, fallback)}: {format_money(g.amount_minor, currency)} "
                     f"({format_pct(g.share)})" for g in groups[:n])


def _column_positions(totals: list[int]) -> list[float]:
    """Vertical centres (0 top, 1 bottom) of stacked nodes sized by their totals."""
    whole = sum(totals) or 1
    out, before = [], 0
    for t in totals:
        out.append(min(max((before + t / 2) / whole, 0.01), 0.99))
        before += t
    return out


def sources_sankey(f: Figures, lang: str):
    """Funding source → sector, widths in money; sources on the reading side (right in Arabic)."""
    import plotly.graph_objects as go  # plotly: imported when a chart is drawn, not at start-up
    unspecified_source, unspecified_sector = _("Not yet tied to a source"), _("Other")
    sources = list(dict.fromkeys(s for s, _t, _v in f.flows))
    sectors = list(dict.fromkeys(t for _s, t, _v in f.flows))
    sector_refs = {g.code: g.ref for g in f.by_sector}
    labels = [name(f.source_ref(s), lang, unspecified_source) for s in sources] + \
             [_("Not allocated") if t == UNALLOCATED_CODE else name(sector_refs.get(t), lang, unspecified_sector)
              for t in sectors]
    totals = [sum(v for s2, _t, v in f.flows if s2 == s) for s in sources] + \
             [sum(v for _s, t2, v in f.flows if t2 == t) for t in sectors]
    colors = [PALETTE[i % len(PALETTE)] if s else "#9a9a9a" for i, s in enumerate(sources)] + ["#6b6b6b"] * len(sectors)
    link_colors = [_rgba(PALETTE[sources.index(s) % len(PALETTE)] if s else "#9a9a9a", 0.45) for s, _t, _v in f.flows]
    source_x, sector_x = (0.99, 0.01) if lang == "ar" else (0.01, 0.99)
    fig = go.Figure(go.Sankey(
        arrangement="snap",
        node={"label": labels, "color": colors, "pad": 18, "thickness": 18,
              "x": [source_x] * len(sources) + [sector_x] * len(sectors),
              "y": _column_positions(totals[:len(sources)]) + _column_positions(totals[len(sources):]),
              "customdata": [format_money(t, f.currency) for t in totals],
              # Plotly's own node hover says "incoming flow count": the amount is what matters.
              "hovertemplate": "%{label}: %{customdata}<extra></extra>"},
        link={"source": [sources.index(s) for s, _t, _v in f.flows],
              "target": [len(sources) + sectors.index(t) for _s, t, _v in f.flows],
              "value": [_major(v) for _s, _t, v in f.flows],
              "customdata": [format_money(v, f.currency) for _s, _t, v in f.flows],
              "hovertemplate": "%{source.label} → %{target.label}: %{customdata}<extra></extra>",
              "color": link_colors}))
    fig.update_layout(**_layout(lang, 460, margin={"l": 10, "r": 10, "t": 20, "b": 20}))
    alt = _("Diagram of the money flowing from each funding source to each sector. Largest sources: "
            "%(items)s.", items="; ".join(f"{name(s['ref'], lang)}: {format_money(s['amount_minor'], f.currency)}"
                                          for s in f.by_source[:3]))
    return fig, alt


def _rgba(hex_color: str, alpha: float) -> str:
    h = hex_color.lstrip("#")
    return f"rgba({int(h[0:2], 16)},{int(h[2:4], 16)},{int(h[4:6], 16)},{alpha})"


def sectors_treemap(f: Figures, lang: str):
    """Sector → allocation, areas in money."""
    import plotly.graph_objects as go  # plotly: imported when a chart is drawn, not at start-up
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
                               branchvalues="total", textinfo="label+text",
                               hovertemplate="%{label}: %{text}<extra></extra>",
                               textposition="middle center",  # a centred anchor renders Arabic text inside its tile
                               marker={"colors": colors, "line": {"color": "#ffffff", "width": 2}},
                               pathbar={"visible": True}))
    # A label that does not fit its tile is hidden rather than shrunk to an unreadable size; the
    # table next to the chart carries every figure.
    fig.update_layout(**_layout(lang, 460, margin={"l": 10, "r": 10, "t": 30, "b": 10},
                                uniformtext={"minsize": 12, "mode": "hide"}))
    alt = _("Treemap of the allocations grouped by sector. Largest sectors: %(items)s.",
            items=_top(f.by_sector, lang, other, f.currency))
    return fig, alt


def group_bars(groups, f: Figures, lang: str, fallback: str, alt_template: str):
    """Horizontal bars (largest on top) of a breakdown: by target group or by locality."""
    import plotly.graph_objects as go  # plotly: imported when a chart is drawn, not at start-up
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
                                xaxis=_money_axis(f.currency, side="bottom"),
                                yaxis={"automargin": True, "side": "right" if lang == "ar" else "left"}))
    if lang == "ar":
        fig.update_xaxes(autorange="reversed")
    return fig, alt_template % {"items": _top(groups, lang, fallback, f.currency)}


def execution_bars(f: Figures, lang: str):
    """Allocated and executed amounts per sector."""
    import plotly.graph_objects as go  # plotly: imported when a chart is drawn, not at start-up
    other = _("Other")
    labels = [_wrap(g.label(lang, other)) for g in f.by_sector]
    hover = "%{x}: %{customdata}<extra>%{fullData.name}</extra>"
    fig = go.Figure([
        go.Bar(name=_("Allocated"), x=labels, y=[_major(g.amount_minor) for g in f.by_sector],
               customdata=[format_money(g.amount_minor, f.currency) for g in f.by_sector], hovertemplate=hover,
               marker={"color": PALETTE[0]}),
        go.Bar(name=_("Spent"), x=labels, y=[_major(g.executed_minor) for g in f.by_sector],
               customdata=[format_money(g.executed_minor, f.currency) for g in f.by_sector], hovertemplate=hover,
               marker={"color": PALETTE[1], "pattern": {"shape": "/"}}),
    ])
    fig.update_layout(**_layout(lang, 420, barmode="group", xaxis=_category_axis(lang), margin=_money_margin(lang),
                                yaxis=_money_axis(f.currency, titled=False, side="right" if lang == "ar" else "left")))
    alt = _("Bar chart comparing the money allocated and the money spent in each sector. In total "
            "%(spent)s of %(allocated)s have been spent (%(rate)s).",
            spent=format_money(f.executed_minor, f.currency), allocated=format_money(f.allocated_minor, f.currency),
            rate=format_pct(f.execution_rate or 0))
    return fig, alt


def quarters_bars(f: Figures, lang: str):
    import plotly.graph_objects as go  # plotly: imported when a chart is drawn, not at start-up
    labels = [str(QUARTER_LABELS[q]) for q in (1, 2, 3, 4)]
    fig = go.Figure(go.Bar(x=labels, y=[_major(f.quarters.get(q, 0)) for q in (1, 2, 3, 4)],
                           marker={"color": PALETTE[2]},
                           text=[format_money(f.quarters.get(q, 0), f.currency) for q in (1, 2, 3, 4)],
                           textposition="auto", hovertemplate="%{x}: %{text}<extra></extra>"))
    fig.update_layout(**_layout(lang, 340, xaxis=_category_axis(lang), margin=_money_margin(lang),
                                yaxis=_money_axis(f.currency, titled=False, side="right" if lang == "ar" else "left")))
    alt = _("Bar chart of the money spent in each quarter of the year: %(items)s.",
            items="; ".join(f"{labels[q - 1]}: {format_money(f.quarters.get(q, 0), f.currency)}" for q in (1, 2, 3, 4)))
    return fig, alt


def comparison_bars(f: Figures, lang: str):
    """This year and the previous year by sector."""
    import plotly.graph_objects as go  # plotly: imported when a chart is drawn, not at start-up
    rows = comparison_rows(f)
    other = _("Other")
    labels = [_wrap(name(r["ref"], lang, other)) for r in rows]
    prev_year, year = f.previous["fiscal_year"], f.snapshot["fiscal_year"]
    hover = "%{x}: %{customdata}<extra>%{fullData.name}</extra>"
    fig = go.Figure([
        go.Bar(name=str(prev_year), x=labels, y=[_major(r["previous"]) for r in rows], marker={"color": PALETTE[4]},
               customdata=[format_money(r["previous"], f.currency) for r in rows], hovertemplate=hover),
        go.Bar(name=str(year), x=labels, y=[_major(r["current"]) for r in rows], marker={"color": PALETTE[0]},
               customdata=[format_money(r["current"], f.currency) for r in rows], hovertemplate=hover),
    ])
    fig.update_layout(**_layout(lang, 420, barmode="group", xaxis=_category_axis(lang), margin=_money_margin(lang),
                                yaxis=_money_axis(f.currency, titled=False, side="right" if lang == "ar" else "left")))
    alt = _("Bar chart comparing the allocations of %(year)s with those of %(previous)s, sector by sector. "
            "In total: %(current_total)s in %(year)s and %(previous_total)s in %(previous)s.",
            year=year, previous=prev_year, current_total=format_money(f.allocated_minor, f.currency),
            previous_total=format_money(f.previous["allocated_minor"], f.currency))
    return fig, alt


def consultation_bars(consultation: dict, lang: str):
    """A beneficiaries' consultation: score per priority, best on top."""
    import plotly.graph_objects as go  # plotly: imported when a chart is drawn, not at start-up
    rows = list(consultation["rows"])[::-1]  # plotly draws the first bar at the bottom
    short = lambda text: text if len(text) <= 24 else text[:23] + "…"  # noqa: E731  (full titles: the table)
    labels = [f"{r['position']}. {short(title(r, lang))}" for r in rows]
    fig = go.Figure(go.Bar(x=[r["score"] for r in rows], y=labels, orientation="h", marker={"color": PALETTE[2]},
                           text=[r["score"] for r in rows], textposition="auto",
                           hovertemplate="%{y}: %{x}<extra></extra>"))
    rtl = lang == "ar"
    layout = _layout(lang, max(300, 60 + 44 * len(rows)))
    layout["margin"] = {"l": 20, "r": 220, "t": 30, "b": 40} if rtl else {"l": 220, "r": 20, "t": 30, "b": 40}
    fig.update_layout(**layout)
    fig.update_yaxes(automargin=True, side="right" if rtl else "left")
    if rtl:
        fig.update_xaxes(autorange="reversed")
    first = consultation["rows"][0] if consultation["rows"] else None
    alt = _("Bar chart of the beneficiaries' ranking: %(answers)s answers; first: %(first)s. The same figures are "
            "in the table below.", answers=consultation["answers"], first=title(first, lang) if first else "—")
    return fig, alt


# The colour of each kind of row of the record's timeline.
TIMELINE_COLORS = {"need": PALETTE[4], "approval": PALETTE[2], "milestone": PALETTE[3], "spending": PALETTE[1]}
DAY_MS = 86_400_000
POINT_DAYS = 4  # a one-day event drawn as a short bar, wide enough to see and to tap


def event_title(row: dict, lang: str) -> str:
    """What a timeline row says, in ``lang`` (the page's table uses the same words)."""
    if row["kind"] == "need":
        return _("Need raised: %(meeting)s", meeting=row["title_ar"] or "—")
    if row["kind"] == "approval":
        return _("The council approved the allocation")
    if row["kind"] == "milestone":
        return _("Milestone: %(title)s (%(status)s)", title=row.get(f"title_{lang}") or row["title_ar"],
                 status=label(MILESTONE_STATUS_LABELS, row["status"]))
    return _("Spent in quarter %(quarter)s", quarter=row["status"])


def _spans(record: dict) -> list[tuple[dict, date, date]]:
    """Each timeline row as (row, start, end): a quarter's spending spans the quarter, a milestone
    runs from the council's approval (else the start of the year) to the day done or due, and a
    one-day event is a short bar."""
    approved = (record.get("approval") or {}).get("approved_on")
    year_start = date(record["fiscal_year"], 1, 1)
    begin = date.fromisoformat(approved) if approved else year_start
    out = []
    for row in record["timeline"]:
        day = date.fromisoformat(row["on"])
        if row["kind"] == "spending":
            quarter = int(row["status"])
            start = date(record["fiscal_year"], 3 * quarter - 2, 1)
        elif row["kind"] == "milestone" and begin < day:
            start = begin
        else:
            start = date.fromordinal(day.toordinal() - POINT_DAYS + 1)
        out.append((row, start, day))
    return out


def timeline_chart(record: dict, lang: str):
    """The allocation record's timeline (:mod:`citizen_budget.records`) as a Gantt chart of bars on
    a date axis: where the needs were raised, the council's approval, each milestone and each
    quarter's spending (with the total spent so far against the allocation)."""
    import plotly.graph_objects as go  # plotly: imported when a chart is drawn, not at start-up
    currency = record["currency"]
    allocated = record["proposal"]["amount_minor"]
    spans = _spans(record)
    labels, ticks, hover = [], [], []
    for row, start, end in spans:
        text = event_title(row, lang)
        # Category names must differ: a repeated one (two milestones of the same title) gets
        # invisible zero-width spaces.
        name = event_title(row, lang)
        while name in labels:
            name += "\u200b"
        labels.append(name)
        ticks.append(_wrap(name, 22))
        if row["kind"] == "spending":
            text = _("%(what)s: %(amount)s (so far %(total)s of %(allocated)s)", what=text,
                     amount=format_money(row["amount_minor"], currency),
                     total=format_money(row["cumulative_minor"], currency),
                     allocated=format_money(allocated, currency))
        hover.append(f"{format_date(end, 'medium')}: {text}")
    fig = go.Figure(go.Bar(
        orientation="h", y=labels, base=[start.isoformat() for _r, start, _e in spans],
        x=[((end.toordinal() - start.toordinal()) + 1) * DAY_MS for _r, start, end in spans],
        marker={"color": [TIMELINE_COLORS[row["kind"]] for row, _s, _e in spans]},
        customdata=hover, hovertemplate="%{customdata}<extra></extra>"))
    room = 150 if lang == "ar" else 160
    margin = {"t": 20, "b": 50, "r": room, "l": 20} if lang == "ar" else {"t": 20, "b": 50, "l": room, "r": 20}
    fig.update_layout(**_layout(lang, max(260, 80 + 60 * len(spans)), margin=margin, showlegend=False,
                                xaxis={"type": "date", "automargin": True, "tickformat": "%Y/%m" if lang == "ar" else "%b %Y",
                                       "autorange": "reversed" if lang == "ar" else True},
                                yaxis={"type": "category", "tickmode": "array", "tickvals": labels, "ticktext": ticks,
                                       "autorange": "reversed", "automargin": True,
                                       "side": "right" if lang == "ar" else "left"}))
    days = [end for _r, _s, end in spans]
    spent = (record.get("spending") or {}).get("executed_minor", 0)
    alt = ngettext("Timeline of %(title)s: %(num)s dated event from %(start)s to %(end)s; %(spent)s spent of "
                   "%(allocated)s allocated.",
                   "Timeline of %(title)s: %(num)s dated events from %(start)s to %(end)s; %(spent)s spent of "
                   "%(allocated)s allocated.", len(spans), title=record.get(f"title_{lang}") or record["title_ar"],
                   start=format_date(min(days), "medium"), end=format_date(max(days), "medium"),
                   spent=format_money(spent, currency), allocated=format_money(allocated, currency))
    return fig, alt
