"""Council pages: overview, meetings, recommendations, partners, membership, summary, exports."""
from __future__ import annotations

import json

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import to_user_timezone, to_utc
from flask_login import current_user
from sqlalchemy.orm import selectinload

from budget_app.auth.services import find_user
from budget_app.bounds import int_arg
from budget_app.charts import cached_payload, chart_payload
from budget_app.errors import show_error
from budget_app.exports import dated_name, download
from budget_app.extensions import db
from budget_app.navigation import describe_activity
from budget_app.pagination import paginate, paginate_list
from budget_app.permissions import ensure, get_council_or_404
from budget_app.reference.models import TargetGroup
from budget_app.tenancy import Membership
from budget_app.utils import utcnow
from councils import charts, exports, labels, services
from councils.forms import FollowUpForm, MeetingForm, MemberAddForm, MemberEditForm, PartnerForm, RecommendationForm
from councils.labels import (ACTIVITY_LABELS, MEETING_KIND_LABELS, MOU_STATUS_LABELS, PARTNER_TYPE_LABELS,
                             RECOMMENDATION_STATUS_LABELS)
from councils.models import Meeting, MeetingAttendance, PartnerOrganization, Recommendation

bp = Blueprint("councils", __name__, url_prefix="/councils")

EXPORT_FORMATS = ("csv", "xlsx")


@bp.context_processor
def _labels():
    return {"labels": labels}


def _manage(slug: str):
    council = get_council_or_404(slug)
    ensure(council.can_manage(current_user))
    return council


def _members(council):
    return (Membership.query.filter_by(council_id=council.id).options(selectinload(Membership.user))
            .all())


def _sorted_members(council):
    return sorted(_members(council), key=lambda m: (m.organization_type, m.organization_name, m.user.display_name))


# Overview ------------------------------------------------------------------
@bp.route("/<slug>/")
def council_home(slug: str):
    council = get_council_or_404(slug)
    members = _sorted_members(council)
    upcoming, past = services.upcoming_and_past(council)
    activity = services.recent_activity(council)
    return render_template("councils/home.html", council=council, members=members, upcoming=upcoming, past=past,
                           activity=activity, activity_labels=services.activity_labels(),
                           activity_objects=describe_activity(council, activity), active_tab="overview")


# Meetings ------------------------------------------------------------------
def _year_arg() -> int | None:
    return int_arg("year", minimum=2000, maximum=2100)


@bp.route("/<slug>/meetings/")
def meeting_list(slug: str):
    council = get_council_or_404(slug)
    year, kind = _year_arg(), request.args.get("kind") or None
    page = paginate(services.meetings_query(council, year, kind).order_by(Meeting.held_at.desc(), Meeting.id.desc()))
    return render_template("councils/meetings.html", council=council, meetings=page.items, page=page, year=year,
                           kind=kind,
                           years=services.meeting_years(council), kinds=MEETING_KIND_LABELS, now=utcnow(),
                           active_tab="meetings")


def _meeting_form(council, meeting=None) -> MeetingForm:
    form = MeetingForm(obj=meeting)
    form.attendees.choices = [(m.user_id, f"{m.user.display_name} — {m.organization_name}")
                              for m in _sorted_members(council)]
    if request.method == "GET":
        if meeting is not None:
            form.held_at.data = to_user_timezone(meeting.held_at).replace(tzinfo=None)
            form.attendees.data = [a.user_id for a in meeting.attendances]
            for (category, gender), _n in form.counts().items():
                getattr(form, f"count_{category}_{gender}").data = meeting.count_for(category, gender) or None
        elif request.args.get("kind") in MEETING_KIND_LABELS:
            form.kind.data = request.args["kind"]
    return form


def _save_meeting(council, meeting, form):
    data = {k: getattr(form, k).data for k in services.MEETING_FIELDS}
    data["held_at"] = to_utc(form.held_at.data)
    return services.save_meeting(council, meeting, data=data, attendee_ids=form.attendees.data or [],
                                 counts=form.counts(), user=current_user)


@bp.route("/<slug>/meetings/new", methods=["GET", "POST"])
def meeting_new(slug: str):
    council = _manage(slug)
    form = _meeting_form(council)
    if form.validate_on_submit():
        meeting = _save_meeting(council, None, form)
        flash(_("The meeting is recorded."), "success")
        return redirect(url_for("councils.meeting_detail", slug=slug, meeting_id=meeting.id))
    return render_template("councils/meeting_form.html", council=council, form=form, meeting=None,
                           active_tab="meetings"), (400 if form.errors else 200)


def _meeting_or_404(council, meeting_id: int) -> Meeting:
    return Meeting.query.filter_by(id=meeting_id, council_id=council.id).first_or_404()


@bp.route("/<slug>/meetings/<int:meeting_id>/")
def meeting_detail(slug: str, meeting_id: int):
    council = get_council_or_404(slug)
    meeting = _meeting_or_404(council, meeting_id)
    members = {m.user_id: m for m in _members(council)}
    present = sorted((a for a in meeting.attendances), key=lambda a: a.user.display_name)
    return render_template("councils/meeting_detail.html", council=council, meeting=meeting, present=present,
                           members=members, gender_totals=services.meeting_gender_totals(meeting, members),
                           rec_form=RecommendationForm(prefix="rec"),
                           can_manage=council.can_manage(current_user), active_tab="meetings")


@bp.route("/<slug>/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
def meeting_edit(slug: str, meeting_id: int):
    council = _manage(slug)
    meeting = _meeting_or_404(council, meeting_id)
    form = _meeting_form(council, meeting)
    if form.validate_on_submit():
        _save_meeting(council, meeting, form)
        flash(_("The meeting is saved."), "success")
        return redirect(url_for("councils.meeting_detail", slug=slug, meeting_id=meeting.id))
    return render_template("councils/meeting_form.html", council=council, form=form, meeting=meeting,
                           active_tab="meetings"), (400 if form.errors else 200)


@bp.route("/<slug>/meetings/<int:meeting_id>/delete", methods=["POST"])
def meeting_delete(slug: str, meeting_id: int):
    council = _manage(slug)
    meeting = _meeting_or_404(council, meeting_id)
    services.delete_meeting(meeting)
    flash(_("The meeting is deleted."), "success")
    return redirect(url_for("councils.meeting_list", slug=slug))


@bp.route("/<slug>/meetings/export.<fmt>")
def meetings_export(slug: str, fmt: str):
    council = get_council_or_404(slug)
    if fmt not in EXPORT_FORMATS:
        abort(404)
    meetings = services.meetings_query(council, _year_arg()).options(
        selectinload(Meeting.attendances).selectinload(MeetingAttendance.user)
    ).order_by(Meeting.held_at).all()
    members = {m.user_id: m for m in _members(council)}
    return download(exports.meetings_frames(meetings, members), dated_name(council.slug, "meetings"), fmt)


# Recommendations -------------------------------------------------------------
@bp.route("/<slug>/meetings/<int:meeting_id>/recommendations", methods=["POST"])
def recommendation_new(slug: str, meeting_id: int):
    council = _manage(slug)
    meeting = _meeting_or_404(council, meeting_id)
    form = RecommendationForm(prefix="rec")
    if form.validate_on_submit():
        services.add_recommendation(meeting, kind=form.kind.data, text=form.text.data, owner=form.owner.data,
                                    due_date=form.due_date.data)
        flash(_("The recommendation is recorded."), "success")
        return redirect(url_for("councils.meeting_detail", slug=slug, meeting_id=meeting.id) + "#recommendations")
    members = {m.user_id: m for m in _members(council)}
    present = sorted(meeting.attendances, key=lambda a: a.user.display_name)
    return render_template("councils/meeting_detail.html", council=council, meeting=meeting, present=present,
                           members=members, gender_totals=services.meeting_gender_totals(meeting, members),
                           rec_form=form, can_manage=True, active_tab="meetings"), 400


@bp.route("/<slug>/recommendations/")
def recommendation_list(slug: str):
    council = get_council_or_404(slug)
    status = request.args.get("status")
    status = status if status in RECOMMENDATION_STATUS_LABELS else None
    overdue = request.args.get("overdue") == "1"
    page = paginate(services.recommendations_query(council, status, overdue))
    return render_template("councils/recommendations.html", council=council, recommendations=page.items, page=page,
                           status=status,
                           overdue=overdue, statuses=RECOMMENDATION_STATUS_LABELS, today=utcnow().date(),
                           can_manage=council.can_manage(current_user), active_tab="recommendations")


@bp.route("/<slug>/recommendations/<int:rec_id>/edit", methods=["GET", "POST"])
def recommendation_edit(slug: str, rec_id: int):
    council = _manage(slug)
    rec = Recommendation.query.filter_by(id=rec_id, council_id=council.id).first_or_404()
    form = FollowUpForm(obj=rec)
    if form.validate_on_submit():
        services.follow_up(rec, status=form.status.data, owner=form.owner.data, due_date=form.due_date.data,
                           note=form.follow_up_note.data)
        flash(_("The follow-up is saved."), "success")
        return redirect(url_for("councils.recommendation_list", slug=slug))
    return render_template("councils/recommendation_form.html", council=council, rec=rec, form=form,
                           active_tab="recommendations"), (400 if form.errors else 200)


@bp.route("/<slug>/recommendations/export.<fmt>")
def recommendations_export(slug: str, fmt: str):
    council = get_council_or_404(slug)
    if fmt not in EXPORT_FORMATS:
        abort(404)
    recs = services.recommendations_query(council).all()
    return download(exports.recommendations_frame(recs), dated_name(council.slug, "recommendations"), fmt)


# Partner organizations ---------------------------------------------------------
PARTNERS_PER_PAGE = 25


@bp.route("/<slug>/partners/")
def partner_list(slug: str):
    council = get_council_or_404(slug)
    q = (request.args.get("q") or "").strip()[:100]
    kind = request.args.get("type") or ""
    mou = request.args.get("mou") or ""
    page = request.args.get("page", 1, type=int) or 1
    page = min(max(page, 1), 100_000)  # a page number beyond any directory is an empty page, not an error
    result = services.search_partners(council, q=q, organization_type=kind, mou_status=mou, page=page,
                                      per_page=PARTNERS_PER_PAGE)
    return render_template("councils/partners.html", council=council, partners=result["items"],
                           total=result["total"], page=page, has_next=result["has_next"], q=q,
                           type=kind if kind in PARTNER_TYPE_LABELS else "",
                           mou=mou if mou in MOU_STATUS_LABELS else "", filtered=bool(q or kind or mou),
                           can_manage=council.can_manage(current_user), active_tab="partners")


def _partner_form(council, partner=None) -> PartnerForm:
    form = PartnerForm(obj=partner, council=council, partner=partner)
    form.target_groups.choices = [(t.id, t.name) for t in TargetGroup.choices()]
    if request.method == "GET" and partner is not None:
        form.target_groups.data = [t.id for t in partner.target_groups]
    return form


def _save_partner(council, partner, form):
    data = {k: getattr(form, k).data for k in (
        "name", "organization_type", "services", "free_of_charge", "mou_status", "mou_signed_on", "mou_expires_on",
        "contact_name", "contact_phone", "contact_email")}
    groups = TargetGroup.query.filter(TargetGroup.id.in_(form.target_groups.data or [])).all()
    return services.save_partner(council, partner, data=data, target_groups=groups)


@bp.route("/<slug>/partners/new", methods=["GET", "POST"])
def partner_new(slug: str):
    council = _manage(slug)
    form = _partner_form(council)
    if form.validate_on_submit():
        _save_partner(council, None, form)
        flash(_("The partner organization is added."), "success")
        return redirect(url_for("councils.partner_list", slug=slug))
    return render_template("councils/partner_form.html", council=council, form=form, partner=None,
                           active_tab="partners"), (400 if form.errors else 200)


@bp.route("/<slug>/partners/<int:partner_id>/edit", methods=["GET", "POST"])
def partner_edit(slug: str, partner_id: int):
    council = _manage(slug)
    partner = PartnerOrganization.query.filter_by(id=partner_id, council_id=council.id).first_or_404()
    form = _partner_form(council, partner)
    if form.validate_on_submit():
        _save_partner(council, partner, form)
        flash(_("The partner organization is saved."), "success")
        return redirect(url_for("councils.partner_list", slug=slug))
    return render_template("councils/partner_form.html", council=council, form=form, partner=partner,
                           active_tab="partners"), (400 if form.errors else 200)


@bp.route("/<slug>/partners/<int:partner_id>/delete", methods=["POST"])
def partner_delete(slug: str, partner_id: int):
    council = _manage(slug)
    partner = PartnerOrganization.query.filter_by(id=partner_id, council_id=council.id).first_or_404()
    services.delete_partner(partner)
    flash(_("The partner organization is removed."), "success")
    return redirect(url_for("councils.partner_list", slug=slug))


# Membership --------------------------------------------------------------------
def _partner_choices(council):
    """The council's partner directory, for the organization a member represents (conflicts of interest)."""
    return [(0, "—")] + [(p.id, p.name) for p in PartnerOrganization.query.filter_by(council_id=council.id)
                         .order_by(PartnerOrganization.name).limit(500)]


@bp.route("/<slug>/members/", methods=["GET", "POST"])
def members(slug: str):
    council = _manage(slug)
    form = MemberAddForm()
    form.partner_organization_id.choices = _partner_choices(council)
    existing = None
    valid = form.validate_on_submit()
    if valid:
        user = find_user(form.email.data)
        existing = Membership.query.filter_by(council_id=council.id, user_id=user.id).first()
    if existing is not None:
        # Adding someone already in the council would silently overwrite their organization and
        # role: say so, and point to their own edit form instead.
        form.email.errors = list(form.email.errors) + [_(
            "%(name)s is already a member of this council (%(role)s, %(organization)s). Nothing was changed; "
            "edit their membership to change it.", name=existing.user.display_name, role=existing.role_label,
            organization=existing.organization_name or "—")]
    elif valid:
        try:
            services.add_member(council, user, role=form.role.data, organization_name=form.organization_name.data,
                                organization_type=form.organization_type.data, gender=form.gender.data,
                                partner_organization_id=form.partner_organization_id.data or None)
        except services.CouncilWorkError as exc:
            show_error(exc)
            return redirect(url_for("councils.members", slug=slug))
        flash(_("The member is saved."), "success")
        return redirect(url_for("councils.members", slug=slug))
    page = paginate_list(_sorted_members(council))
    return render_template("councils/members.html", council=council, members=page.items, page=page, form=form,
                           existing=existing, active_tab="overview"), (400 if form.errors else 200)


@bp.route("/<slug>/members/<int:membership_id>/edit", methods=["GET", "POST"])
def member_edit(slug: str, membership_id: int):
    council = _manage(slug)
    membership = Membership.query.filter_by(id=membership_id, council_id=council.id).first_or_404()
    if membership.role == "director" and not current_user.is_admin:
        flash(_("This person is the council's budget director; only an administrator changes that role."), "error")
        return redirect(url_for("councils.members", slug=slug))
    form = MemberEditForm(obj=membership)
    form.partner_organization_id.choices = _partner_choices(council)
    if request.method == "GET" or form.partner_organization_id.data is None:
        # A form sent without the field (an older page, a script) keeps the link as it is.
        form.partner_organization_id.data = membership.partner_organization_id or 0
    if form.validate_on_submit():
        services.add_member(council, membership.user, role=form.role.data,
                            organization_name=form.organization_name.data,
                            organization_type=form.organization_type.data, gender=form.gender.data,
                            partner_organization_id=form.partner_organization_id.data or None)
        flash(_("The member is saved."), "success")
        return redirect(url_for("councils.members", slug=slug))
    return render_template("councils/member_form.html", council=council, membership=membership, form=form,
                           active_tab="overview"), (400 if form.errors else 200)


@bp.route("/<slug>/members/<int:membership_id>/remove", methods=["POST"])
def member_remove(slug: str, membership_id: int):
    council = _manage(slug)
    membership = Membership.query.filter_by(id=membership_id, council_id=council.id).first_or_404()
    try:
        services.remove_member(membership, current_user)
    except services.CouncilWorkError as exc:
        show_error(exc)
        return redirect(url_for("councils.members", slug=slug))
    flash(_("The member is removed from the council."), "success")
    return redirect(url_for("councils.members", slug=slug))


# Summary -------------------------------------------------------------------------
def _figures_key(figures: dict) -> str:
    """The yearly summary's figures as text: the charts' cache key (they read nothing else)."""
    return json.dumps(figures, sort_keys=True, default=str)


@bp.route("/<slug>/summary/")
def summary(slug: str):
    council = get_council_or_404(slug)
    year = _year_arg() or utcnow().year
    figures = services.summary(council, year)
    return render_template("councils/summary.html", council=council, s=figures, year=year,
                           years=services.meeting_years(council),
                           participants_chart=cached_payload(("participants", _figures_key(figures)),
                                                             lambda: chart_payload(charts.participants_figure(figures))),
                           recommendations_chart=cached_payload(
                               ("recommendations", _figures_key(figures)),
                               lambda: chart_payload(charts.recommendations_figure(figures))),
                           active_tab="summary")
