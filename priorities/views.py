"""Priority pages: listing, recording, discussion, triage, ranking rounds, exports."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import to_utc
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from budget_app.bounds import int_arg
from budget_app.charts import cached_payload, chart_payload
from budget_app.errors import show_error, user_error
from budget_app.exports import dated_name, download
from budget_app.extensions import db
from budget_app.pagination import paginate
from budget_app.permissions import ensure, get_council_or_404
from budget_app.reference.models import Locality, Sector, TargetGroup
from budget_app.uploads import services as uploads
from budget_app.uploads.checks import UploadRefused
from budget_app.uploads.forms import AttachmentForm
from budget_app.uploads.models import Attachment
from budget_app.utils import utcnow
from councils.models import Meeting
from priorities import charts, evidence, exports, labels, services
from priorities.consultations import comparison
from priorities.forms import CommentForm, DeclineForm, MergeForm, PriorityForm, RoundForm
from priorities.labels import EVIDENCE_LABELS, METHOD_LABELS, SORT_LABELS, STATUS_LABELS
from priorities.models import (STATUS_DRAFT, STATUS_MERGED, STATUS_SHORTLISTED, STATUS_SUBMITTED, Priority,
                               PriorityComment, RankingRound)

bp = Blueprint("priorities", __name__, url_prefix="/councils/<slug>/priorities")

EXPORT_FORMATS = ("csv", "xlsx")


@bp.context_processor
def _labels():
    return {"plabels": labels}


def _manage(slug):
    council = get_council_or_404(slug)
    ensure(council.can_manage(current_user))
    return council


def _priority_or_404(council, priority_id: int) -> Priority:
    """A priority of this council that the user may see (other people's drafts are hidden)."""
    return services.visible_priorities(council, current_user).filter(Priority.id == priority_id).first_or_404()


def _int_arg(name):
    return int_arg(name)


def _filters() -> services.PriorityFilters:
    status = request.args.get("status")
    sort = request.args.get("sort")
    return services.PriorityFilters(
        fiscal_year=_int_arg("year"), sector_id=_int_arg("sector"), target_group_id=_int_arg("target_group"),
        locality_id=_int_arg("locality"), status=status if status in STATUS_LABELS else None,
        q=(request.args.get("q") or "").strip()[:200], sort=sort if sort in SORT_LABELS else "newest")


def _localities(council):
    q = Locality.query.filter_by(active=True)
    if council.governorate_id:
        q = q.filter_by(governorate_id=council.governorate_id)
    return q.order_by(Locality.sort_order, Locality.id).all()


PAGE_SIZE = 50  # priorities per page of the list


@bp.route("/")
def priority_list(slug: str):
    council = get_council_or_404(slug)
    f = _filters()
    query = services.list_priorities(council, current_user, f)
    page = paginate(query, PAGE_SIZE)
    priorities = page.items
    total = query.order_by(None).count() if page.has_next or page.page > 1 else len(priorities)
    counts = services.comment_counts([p.id for p in priorities])
    years = sorted({y for (y,) in db.session.query(Priority.fiscal_year).filter_by(council_id=council.id)}
                   | {utcnow().year}, reverse=True)
    return render_template("priorities/list.html", council=council, priorities=priorities, f=f, counts=counts,
                           page=page, total=total, years=years, sectors=Sector.choices(),
                           target_groups=TargetGroup.choices(),
                           localities=_localities(council), statuses=STATUS_LABELS, sorts=SORT_LABELS,
                           active_tab="priorities")


@bp.route("/export.<fmt>")
def priority_export(slug: str, fmt: str):
    council = get_council_or_404(slug)
    if fmt not in EXPORT_FORMATS:
        abort(404)
    priorities = services.list_priorities(council, current_user, _filters()).all()
    counts = services.comment_counts([p.id for p in priorities])
    return download(exports.priorities_frame(priorities, counts), dated_name(council.slug, "priorities"), fmt)


def _priority_form(council, priority=None) -> PriorityForm:
    form = PriorityForm(obj=priority)
    form.sector_id.choices = [("", _("Choose a sector"))] + [(s.id, s.name) for s in Sector.choices()]
    form.target_groups.choices = [(t.id, t.name) for t in TargetGroup.choices()]
    form.locality_id.choices = [("", _("Whole governorate"))] + [(l.id, l.name) for l in _localities(council)]
    meetings = Meeting.query.filter_by(council_id=council.id).order_by(Meeting.held_at.desc()).limit(100).all()
    form.evidence_meeting_id.choices = [("", "—")] + [
        (m.id, f"{m.held_at:%Y-%m-%d} — {m.title}") for m in meetings]
    if request.method == "GET":
        if priority is not None:
            form.target_groups.data = [t.id for t in priority.target_groups]
        else:
            form.fiscal_year.data = utcnow().year
            membership = current_user.membership_in(council) if not current_user.is_admin else None
            if membership:
                form.proposing_organization.data = membership.organization_name
            if int_arg("meeting") in {m.id for m in meetings}:
                form.evidence_type.data = "meeting_recommendation"
                form.evidence_meeting_id.data = int_arg("meeting")
    return form


def _save(council, priority, form):
    valid_ids = {c[0] for c in form.sector_id.choices}
    data = {k: getattr(form, k).data for k in services.PRIORITY_FIELDS}
    data["title_en"] = data["title_en"] or ""
    data["description_en"] = data["description_en"] or ""
    if data["sector_id"] not in valid_ids:
        data["sector_id"] = None
    groups = TargetGroup.query.filter(TargetGroup.id.in_(form.target_groups.data or [])).all()
    return services.save_priority(council, priority, data=data, target_groups=groups, author=current_user)


@bp.route("/new", methods=["GET", "POST"])
def priority_new(slug: str):
    council = get_council_or_404(slug)
    form = _priority_form(council)
    if form.validate_on_submit():
        priority = _save(council, None, form)
        if request.form.get("submit_now"):
            services.submit_priority(priority)
        flash(_("The priority is submitted to the council.") if priority.status == STATUS_SUBMITTED
              else _("The priority is saved as a draft. Submit it when it is ready."), "success")
        return redirect(url_for("priorities.priority_detail", slug=slug, priority_id=priority.id))
    return render_template("priorities/form.html", council=council, form=form, priority=None,
                           active_tab="priorities"), (400 if form.errors else 200)


@bp.route("/<int:priority_id>/")
def priority_detail(slug: str, priority_id: int):
    council = get_council_or_404(slug)
    return _detail_page(council, _priority_or_404(council, priority_id))


def _detail_page(council, priority, evidence_form: AttachmentForm | None = None):
    can_manage = council.can_manage(current_user)
    comments = (PriorityComment.query.filter_by(priority_id=priority.id)
                .options(selectinload(PriorityComment.author)).order_by(PriorityComment.created_at,
                                                                         PriorityComment.id).all())
    merge_form = MergeForm(prefix="merge")
    if can_manage:
        merge_form.target_id.choices = [("", _("Choose the priority to keep"))] + [
            (p.id, f"#{p.id} {p.title}") for p in Priority.query.filter(
                Priority.council_id == council.id, Priority.id != priority.id,
                Priority.status.in_((STATUS_SUBMITTED, STATUS_SHORTLISTED))).order_by(Priority.id)]
    merged_from = Priority.query.filter_by(merged_into_id=priority.id).all()
    can_edit = priority.can_edit(current_user)
    return render_template("priorities/detail.html", council=council, p=priority, comments=comments,
                           consultations=comparison.for_priority(priority),
                           comment_form=CommentForm(), decline_form=DeclineForm(prefix="decline"),
                           merge_form=merge_form, can_manage=can_manage, can_edit=can_edit,
                           can_edit_comment=lambda c: services.can_edit_comment(c, current_user),
                           merged_from=merged_from, evidence_labels=EVIDENCE_LABELS, statuses=STATUS_LABELS,
                           attachments=uploads.attachments_of(evidence.OBJECT_TYPE, [priority.id])[priority.id],
                           evidence_form=evidence_form or (AttachmentForm(prefix="evidence", formdata=None)
                                                           if can_edit else None),
                           active_tab="priorities"), (400 if evidence_form is not None else 200)


# Evidence: photos and documents -----------------------------------------------------
@bp.route("/<int:priority_id>/evidence", methods=["POST"])
def evidence_add(slug: str, priority_id: int):
    council = get_council_or_404(slug)
    priority = _priority_or_404(council, priority_id)
    ensure(evidence.OWNER.can_attach(priority, current_user))
    form = AttachmentForm(prefix="evidence")
    if not form.validate_on_submit():
        return _detail_page(council, priority, form)
    try:
        uploads.attach(evidence.OWNER, priority, data=form.file.data.read(), filename=form.file.data.filename,
                       user=current_user, alt_text_ar=form.alt_text_ar.data, alt_text_en=form.alt_text_en.data)
    except UploadRefused as error:
        show_error(error, form)
        return _detail_page(council, priority, form)
    flash(_("The file is attached to the priority."), "success")
    return redirect(url_for("priorities.priority_detail", slug=slug, priority_id=priority.id) + "#evidence")


@bp.route("/<int:priority_id>/evidence/<int:attachment_id>/delete", methods=["POST"])
def evidence_delete(slug: str, priority_id: int, attachment_id: int):
    council = get_council_or_404(slug)
    priority = _priority_or_404(council, priority_id)
    ensure(evidence.OWNER.can_attach(priority, current_user))
    attachment = Attachment.query.filter_by(id=attachment_id, object_type=evidence.OBJECT_TYPE,
                                            object_id=priority.id).first_or_404()
    uploads.remove(evidence.OWNER, priority, attachment, current_user)
    flash(_("The file is removed."), "success")
    return redirect(url_for("priorities.priority_detail", slug=slug, priority_id=priority.id) + "#evidence")


@bp.route("/<int:priority_id>/edit", methods=["GET", "POST"])
def priority_edit(slug: str, priority_id: int):
    council = get_council_or_404(slug)
    priority = _priority_or_404(council, priority_id)
    ensure(priority.can_edit(current_user))
    form = _priority_form(council, priority)
    if form.validate_on_submit():
        _save(council, priority, form)
        flash(_("The priority is saved."), "success")
        return redirect(url_for("priorities.priority_detail", slug=slug, priority_id=priority.id))
    return render_template("priorities/form.html", council=council, form=form, priority=priority,
                           active_tab="priorities"), (400 if form.errors else 200)


def _transition(slug, priority_id, action, *, manage=True, success=None):
    council = _manage(slug) if manage else get_council_or_404(slug)
    priority = _priority_or_404(council, priority_id)
    try:
        action(council, priority)
    except services.PriorityError as error:
        show_error(error)
        return redirect(url_for("priorities.priority_detail", slug=slug, priority_id=priority_id))
    flash(success, "success")
    return redirect(url_for("priorities.priority_detail", slug=slug, priority_id=priority_id))


@bp.route("/<int:priority_id>/submit", methods=["POST"])
def priority_submit(slug: str, priority_id: int):
    def action(council, priority):
        ensure(priority.author_id == current_user.id or council.can_manage(current_user))
        services.submit_priority(priority)
    return _transition(slug, priority_id, action, manage=False, success=_("The priority is submitted to the council."))


@bp.route("/<int:priority_id>/shortlist", methods=["POST"])
def priority_shortlist(slug: str, priority_id: int):
    return _transition(slug, priority_id, lambda c, p: services.shortlist_priority(p),
                       success=_("The priority is on the shortlist."))


@bp.route("/<int:priority_id>/unshortlist", methods=["POST"])
def priority_unshortlist(slug: str, priority_id: int):
    return _transition(slug, priority_id, lambda c, p: services.unshortlist_priority(p),
                       success=_("The priority is taken off the shortlist."))


@bp.route("/<int:priority_id>/decline", methods=["POST"])
def priority_decline(slug: str, priority_id: int):
    form = DeclineForm(prefix="decline")

    def action(council, priority):
        if not form.validate_on_submit():
            raise services.PriorityError(_("Give the reason for declining; the author will see it."))
        services.decline_priority(priority, form.reason.data)
    return _transition(slug, priority_id, action, success=_("The priority is declined; its author sees the reason."))


@bp.route("/<int:priority_id>/merge", methods=["POST"])
def priority_merge(slug: str, priority_id: int):
    council = _manage(slug)
    priority = _priority_or_404(council, priority_id)
    form = MergeForm(prefix="merge")
    form.target_id.choices = [("", "")] + [(p.id, str(p.id)) for p in Priority.query.filter(
        Priority.council_id == council.id, Priority.id != priority.id)]
    if not form.validate_on_submit():
        flash(_("Choose the priority to keep."), "error")
        return redirect(url_for("priorities.priority_detail", slug=slug, priority_id=priority_id))
    survivor = Priority.query.filter_by(id=form.target_id.data, council_id=council.id).first_or_404()
    try:
        services.merge_priority(priority, survivor)
    except services.PriorityError as error:
        show_error(error)
        return redirect(url_for("priorities.priority_detail", slug=slug, priority_id=priority_id))
    flash(_("The priorities are merged; comments and votes now count for this one."), "success")
    return redirect(url_for("priorities.priority_detail", slug=slug, priority_id=survivor.id))


# Discussion --------------------------------------------------------------------
@bp.route("/<int:priority_id>/comments", methods=["POST"])
def comment_add(slug: str, priority_id: int):
    council = get_council_or_404(slug)
    priority = _priority_or_404(council, priority_id)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            comment = services.add_comment(priority, current_user, form.body.data)
        except services.PriorityError as error:
            show_error(error)
        else:
            flash(_("Your comment is published."), "success")
            return redirect(url_for("priorities.priority_detail", slug=slug, priority_id=priority.id)
                            + f"#comment-{comment.id}")
    else:
        flash(_("Write a comment first."), "error")
    return redirect(url_for("priorities.priority_detail", slug=slug, priority_id=priority.id) + "#discussion")


def _comment_or_404(council, priority_id, comment_id):
    priority = _priority_or_404(council, priority_id)
    comment = PriorityComment.query.filter_by(id=comment_id, priority_id=priority.id).first_or_404()
    return priority, comment


@bp.route("/<int:priority_id>/comments/<int:comment_id>/edit", methods=["GET", "POST"])
def comment_edit(slug: str, priority_id: int, comment_id: int):
    council = get_council_or_404(slug)
    priority, comment = _comment_or_404(council, priority_id, comment_id)
    ensure(comment.author_id == current_user.id)
    if not services.can_edit_comment(comment, current_user):
        flash(_("A comment can be edited by its author for 15 minutes only."), "error")
        return redirect(url_for("priorities.priority_detail", slug=slug, priority_id=priority.id))
    form = CommentForm(obj=comment)
    if form.validate_on_submit():
        services.edit_comment(comment, current_user, form.body.data)
        flash(_("Your comment is saved."), "success")
        return redirect(url_for("priorities.priority_detail", slug=slug, priority_id=priority.id)
                        + f"#comment-{comment.id}")
    return render_template("priorities/comment_edit.html", council=council, p=priority, comment=comment,
                           form=form, active_tab="priorities"), (400 if form.errors else 200)


@bp.route("/<int:priority_id>/comments/<int:comment_id>/moderate", methods=["POST"])
def comment_moderate(slug: str, priority_id: int, comment_id: int):
    council = _manage(slug)
    priority, comment = _comment_or_404(council, priority_id, comment_id)
    hide = request.form.get("action", "hide") != "show"
    services.moderate_comment(comment, current_user, hide)
    flash(_("The comment is hidden.") if hide else _("The comment is shown again."), "success")
    return redirect(url_for("priorities.priority_detail", slug=slug, priority_id=priority.id) + "#discussion")


# Ranking rounds ------------------------------------------------------------------
@bp.route("/rounds/")
def round_list(slug: str):
    council = get_council_or_404(slug)
    rounds = (RankingRound.query.filter_by(council_id=council.id)
              .order_by(RankingRound.opened_at.desc(), RankingRound.id.desc()).all())
    return render_template("priorities/rounds.html", council=council, rounds=rounds, methods=METHOD_LABELS,
                           can_manage=council.can_manage(current_user), active_tab="rounds")


@bp.route("/rounds/new", methods=["GET", "POST"])
def round_new(slug: str):
    council = _manage(slug)
    form = RoundForm()
    if request.method == "GET":
        form.fiscal_year.data = utcnow().year
        form.title.data = _("Ranking of priorities %(year)s", year=utcnow().year)
    shortlisted = (Priority.query.filter_by(council_id=council.id, status=STATUS_SHORTLISTED)
                   .order_by(Priority.fiscal_year.desc(), Priority.id).all())
    error = None
    if form.validate_on_submit():
        try:
            rnd = services.open_round(
                council, title=form.title.data, fiscal_year=form.fiscal_year.data, method=form.method.data,
                points_budget=form.points_budget.data or 10, top_n=form.top_n.data or 3,
                closes_at=to_utc(form.closes_at.data),
                results_visible_before_close=form.results_visible_before_close.data, user=current_user)
        except services.PriorityError as exc:  # refused before anything was written
            error = str(exc)
        else:
            flash(_("The round is open. Members can now cast their ballots."), "success")
            return redirect(url_for("priorities.round_detail", slug=slug, round_id=rnd.id))
    status = 400 if (form.errors or error) else 200
    return render_template("priorities/round_form.html", council=council, form=form, shortlisted=shortlisted,
                           error=error, active_tab="rounds"), status


def _round_or_404(council, round_id) -> RankingRound:
    return (RankingRound.query.filter_by(id=round_id, council_id=council.id)
            .options(selectinload(RankingRound.priorities).selectinload(Priority.sector)).first_or_404())


def _render_round(council, rnd, *, values=None, error=None, status=200):
    ballot = services.my_ballot(rnd, current_user)
    if values is None:
        values = {}
        if ballot is not None:
            values = {i.priority_id: (i.points if i.points is not None else i.rank) for i in ballot.items}
    result = chart = None
    if rnd.results_visible():
        result = services.results(rnd)
        # The figure reads the method, each row's position, score and title (and the language).
        chart = cached_payload(("round", rnd.id, rnd.method, tuple((r.position, r.score, r.priority.title)
                                                                   for r in result["rows"])),
                               lambda: chart_payload(charts.results_figure(rnd, result["rows"])))
    participation = services.results(rnd) if result is None else result
    beneficiaries = comparison.for_round(rnd) if result else []
    return render_template("priorities/round_detail.html", council=council, rnd=rnd, ballot=ballot, values=values,
                           beneficiaries=beneficiaries,
                           error=error, result=result, chart_json=chart, ballots=participation["ballots"],
                           members=participation["members"], can_vote=rnd.can_vote(current_user),
                           can_manage=council.can_manage(current_user), methods=METHOD_LABELS,
                           active_tab="rounds"), status


@bp.route("/rounds/<int:round_id>/")
def round_detail(slug: str, round_id: int):
    council = get_council_or_404(slug)
    return _render_round(council, _round_or_404(council, round_id))


def _ballot_values(rnd) -> tuple[dict, str | None]:
    values, error = {}, None
    for p in rnd.priorities:
        raw = (request.form.get(f"p-{p.id}") or "").strip()
        if not raw:
            values[p.id] = None
            continue
        try:
            values[p.id] = int(raw)
        except ValueError:
            values[p.id] = raw
            error = _("Enter whole numbers, zero or more.")
    return values, error


@bp.route("/rounds/<int:round_id>/ballot", methods=["POST"])
def round_ballot(slug: str, round_id: int):
    council = get_council_or_404(slug)
    rnd = _round_or_404(council, round_id)
    ensure(council.is_member(current_user))
    if rnd.is_closed():
        return _render_round(council, rnd, error=_("This round is closed; ballots can no longer be changed."),
                             status=409)
    values, error = _ballot_values(rnd)
    if error is None:
        try:
            services.validate_ballot(rnd, values)
        except services.PriorityError as exc:
            error = str(exc.message)
    if error:
        return _render_round(council, rnd, values=values, error=error, status=400)
    try:
        services.cast_ballot(rnd, current_user, values)
    except IntegrityError:  # still colliding after the service's retries
        raise user_error(409, _("Your ballot was sent twice at the same moment. Reload the page to see it."))
    except services.PriorityError as exc:
        return _render_round(council, rnd, values=values, error=str(exc), status=400)
    flash(_("Your ballot is saved. You can change it until the round closes."), "success")
    return redirect(url_for("priorities.round_detail", slug=slug, round_id=round_id))


@bp.route("/rounds/<int:round_id>/close", methods=["POST"])
def round_close(slug: str, round_id: int):
    council = _manage(slug)
    rnd = _round_or_404(council, round_id)
    try:
        services.close_round(rnd)
    except services.PriorityError as exc:
        show_error(exc)
    else:
        flash(_("The round is closed. The results are shown below."), "success")
    return redirect(url_for("priorities.round_detail", slug=slug, round_id=round_id))


@bp.route("/rounds/<int:round_id>/results.<fmt>")
def round_export(slug: str, round_id: int, fmt: str):
    council = get_council_or_404(slug)
    rnd = _round_or_404(council, round_id)
    if fmt not in EXPORT_FORMATS:
        abort(404)
    if not rnd.results_visible():
        raise user_error(409, _("The results are shown when the round closes."))
    return download(exports.results_frames(rnd, services.results(rnd)),
                    dated_name(council.slug, "round", rnd.id), fmt)
