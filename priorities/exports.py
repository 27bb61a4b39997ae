"""Priorities and round results as pandas frames for CSV/Excel downloads."""
from __future__ import annotations

from typing import TYPE_CHECKING
from flask_babel import gettext as _
from flask_babel import pgettext

from priorities.labels import EVIDENCE_LABELS, METHOD_LABELS, STATUS_LABELS, label

if TYPE_CHECKING:  # annotations only: the module itself imports it where it is used
    import pandas as pd


def priorities_frame(priorities, comment_counts: dict) -> pd.DataFrame:
    import pandas as pd  # pandas: imported when a download is built, not at start-up
    rows = [{
        _("Number"): p.id,
        _("Fiscal year"): p.fiscal_year,
        _("Title (Arabic)"): p.title_ar,
        _("Title (English)"): p.title_en,
        _("Status"): label(STATUS_LABELS, p.status),
        _("Sector"): p.sector.name if p.sector else "",
        _("Target groups"): "، ".join(t.name for t in p.target_groups),
        _("Locality"): p.locality.name if p.locality else "",
        _("Estimated number of beneficiaries"): p.estimated_beneficiaries,
        _("Source of evidence"): label(EVIDENCE_LABELS, p.evidence_type),
        _("Evidence"): p.evidence_details,
        _("Proposing organization"): p.proposing_organization,
        _("Comments"): comment_counts.get(p.id, 0),
        _("Description (Arabic)"): p.description_ar,
        _("Description (English)"): p.description_en,
    } for p in priorities]
    return pd.DataFrame(rows)


def results_frames(rnd, result: dict) -> dict[str, pd.DataFrame]:
    import pandas as pd  # pandas: imported when a download is built, not at start-up
    rows = [{
        _("Position"): r.position,
        _("Number"): r.priority.id,
        _("Title (Arabic)"): r.priority.title_ar,
        _("Title (English)"): r.priority.title_en,
        pgettext("ranking round", "Score"): r.score,
        _("Members who gave points or a rank"): r.voters,
    } for r in result["rows"]]
    about = pd.DataFrame([
        {_("Item"): _("Round"), _("Value"): rnd.title},
        {_("Item"): _("Method"), _("Value"): label(METHOD_LABELS, rnd.method)},
        {_("Item"): _("Ballots cast"), _("Value"): result["ballots"]},
        {_("Item"): _("Members"), _("Value"): result["members"]},
    ])
    return {_("Results"): pd.DataFrame(rows), _("Round"): about}
