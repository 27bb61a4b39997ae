"""A simulation's results as pandas frames for the Excel download: the per-line statistics and
every submission (counted or flagged). The CSV download holds the submissions sheet only, with
the same columns. Cells go through ``budget_app.exports`` (formula injection neutralized)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import gettext as _

if TYPE_CHECKING:  # annotations only: the module itself imports it where it is used
    import pandas as pd


def _major(minor):
    return None if minor is None else round(int(minor) / 100, 2)


def lines_frame(simulation, r: dict) -> pd.DataFrame:
    """One row per line: the starting point, the council's allocation (if decided) and the
    counted budgets' mean, median, quartiles, lowest and highest, in the currency's units."""
    import pandas as pd  # pandas: imported when a download is built, not at start-up

    rows = []
    for line in r["lines"]:
        stats = line["stats"] or {}
        row = {_("Code"): line["code"], _("Line"): line["label"]}
        if line.get("estimated_cost") is not None:
            row[_("Estimated cost")] = _major(line["estimated_cost"])
        row.update({
            _("Starting point"): _major(line["baseline"]),
            _("The council's allocation"): _major(line["final"]),
            _("Citizens' average"): _major(stats.get("mean")),
            _("Citizens' median"): _major(stats.get("median")),
            _("Lowest"): _major(stats.get("min")),
            _("First quartile"): _major(stats.get("q1")),
            _("Third quartile"): _major(stats.get("q3")),
            _("Highest"): _major(stats.get("max")),
            _("Budgets counted"): r["count"],
        })
        rows.append(row)
    return pd.DataFrame(rows)


def submissions_frame(header: list[str], rows: list[list], amount_columns: int, *, numeric: bool) -> pd.DataFrame:
    """The submissions (``services.export_rows``); amounts as numbers for Excel, as the CSV's
    two-decimal text otherwise."""
    import pandas as pd  # pandas: imported when a download is built, not at start-up

    frame = pd.DataFrame(rows, columns=header)
    if numeric:
        for column in header[2:2 + amount_columns]:
            frame[column] = frame[column].astype(float)
    return frame


def about_frame(simulation, r: dict) -> pd.DataFrame:
    import pandas as pd  # pandas: imported when a download is built, not at start-up

    return pd.DataFrame([
        {_("Item"): _("Simulation"), _("Value"): simulation.title},
        {_("Item"): _("Fiscal year"), _("Value"): simulation.fiscal_year},
        {_("Item"): _("Envelope"), _("Value"): _major(simulation.envelope_minor)},
        {_("Item"): _("Currency"), _("Value"): simulation.currency},
        {_("Item"): _("Budgets counted"), _("Value"): r["count"]},
        {_("Item"): _("Flagged, not counted"), _("Value"): r["duplicates"]},
    ])


def results_frames(simulation, r: dict, header: list[str], rows: list[list]) -> dict[str, pd.DataFrame]:
    return {_("Lines"): lines_frame(simulation, r),
            _("Budgets"): submissions_frame(header, rows, len(r["lines"]), numeric=True),
            _("Simulation"): about_frame(simulation, r)}
