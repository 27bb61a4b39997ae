"""Meetings (with attendance) and recommendations as pandas frames for CSV/Excel downloads."""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import gettext as _
from flask_babel import pgettext, to_user_timezone

from councils.labels import (GENDER_LABELS, MEETING_KIND_LABELS, PARTICIPANT_CATEGORY_LABELS,
                             RECOMMENDATION_KIND_LABELS, RECOMMENDATION_STATUS_LABELS, label)
from councils.models import GENDERS, PARTICIPANT_CATEGORIES

if TYPE_CHECKING:  # annotations only: the module itself imports it where it is used
    import pandas as pd


def _local(dt):
    return to_user_timezone(dt).strftime("%Y-%m-%d %H:%M") if dt else ""


def meetings_frames(meetings, members_by_user: dict) -> dict[str, pd.DataFrame]:
    """Two sheets: one row per meeting with counts; one row per member present."""
    import pandas as pd  # pandas: imported when a download is built, not at start-up
    rows, attendance = [], []
    for m in meetings:
        row = {
            _("Meeting number"): m.id,
            _("Date and time"): _local(m.held_at),
            _("Kind"): label(MEETING_KIND_LABELS, m.kind),
            _("Title"): m.title,
            _("Place"): m.place,
            _("Workshop topic"): m.topic,
            _("Trainer"): m.trainer,
            _("Council members present"): len(m.attendances),
        }
        for c in PARTICIPANT_CATEGORIES:
            for g in GENDERS:
                row[f"{label(PARTICIPANT_CATEGORY_LABELS, c)} – {label(GENDER_LABELS, g)}"] = m.count_for(c, g)
        row[_("Outside participants")] = m.outside_participants
        row[_("Recommendations")] = len(m.recommendations)
        rows.append(row)
        for a in m.attendances:
            membership = members_by_user.get(a.user_id)
            attendance.append({
                _("Meeting number"): m.id,
                _("Date and time"): _local(m.held_at),
                _("Title"): m.title,
                _("Name"): a.user.display_name if a.user else "",
                _("Organization represented"): membership.organization_name if membership else "",
            })
    columns = [_("Meeting number"), _("Date and time"), _("Title"), _("Name"), _("Organization represented")]
    return {_("Meetings"): pd.DataFrame(rows), _("Attendance"): pd.DataFrame(attendance, columns=columns)}


def recommendations_frame(recommendations) -> pd.DataFrame:
    import pandas as pd  # pandas: imported when a download is built, not at start-up
    rows = [{
        _("Number"): r.id,
        _("Meeting"): r.meeting.title if r.meeting else "",
        _("Meeting date"): _local(r.meeting.held_at) if r.meeting else "",
        _("Kind"): label(RECOMMENDATION_KIND_LABELS, r.kind),
        _("Text"): r.text,
        _("Responsible"): r.owner,
        pgettext("recommendation", "Due date"): r.due_date.isoformat() if r.due_date else "",
        _("Follow-up status"): label(RECOMMENDATION_STATUS_LABELS, r.status),
        _("Overdue"): _("Yes") if r.is_overdue() else _("No"),
        _("Follow-up note"): r.follow_up_note,
    } for r in recommendations]
    return pd.DataFrame(rows)
