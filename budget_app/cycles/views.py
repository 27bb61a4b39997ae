"""Budget cycle pages. Each view: load → check permission → validate → one service call → commit."""
from __future__ import annotations

import json

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from budget_app.cycles import bp, charts, explain, forms, services
from budget_app.cycles.imports import SpreadsheetError, read_table, template_frames
from budget_app.cycles.models import (BALLOT_PAPER, METHOD_CUMULATIVE, METHOD_RANKED, PHASE_DECIDED,
                                      PHASE_PREPARING, PHASE_VOTING, AllocationProposal, Ballot, BudgetCycle)
from budget_app.exports import download
from budget_app.extensions import db
from budget_app.permissions import ensure, get_council_or_404
from budget_app.reference.models import FundingSource, Locality, Sector, TargetGroup


# Loading -----------------------------------------------------------------------
def _cycle(slug: str, cycle_id: int):
    council = get_council_or_404(slug)
    cycle = BudgetCycle.query.filter_by(id=cycle_id, council_id=council.id).first_or_404()
    return council, cycle


def _public_cycle(slug: str, cycle_id: int):
    """For the public pages (receipts, anonymized ballots): no login needed."""
    from councils.models import Council
    council = Council.query.filter_by(slug=slug).first_or_404()
    cycle = BudgetCycle.query.filter_by(id=cycle_id, council_id=council.id).first_or_404()
    return council, cycle


def _back(cycle, endpoint="cycles.cycle_detail", **kw):
    return redirect(url_for(endpoint, slug=cycle.council.slug, cycle_id=cycle.id, **kw))


def _refused(exc: services.CycleError, cycle, endpoint="cycles.cycle_detail"):
    db.session.rollback()
    flash(exc.message, "error")
    return redirect(url_for(endpoint, slug=cycle.council.slug, cycle_id=cycle.id))


# Cycles ------------------------------------------------------------------------
@bp.route("/<slug>/cycles/")
def cycle_list(slug: str):
    council = get_council_or_404(slug)
    return render_template("cycles/list.html", council=council, cycles=services.cycles_of(council),
                           can_direct=council.can_direct_budget(current_user))


def _cycle_form(cycle=None):
    sources = FundingSource.choices()
    form_class = forms.with_funding(forms.CycleForm, sources)
    if cycle is None:
        form = form_class(data={"fiscal_year": __import__("datetime").date.today().year})
    else:
        data = {k: getattr(cycle, k) for k in services.CYCLE_FIELDS if hasattr(cycle, k)}
        data["envelope"] = cycle.envelope_minor
        data.update({f"funding_{f.funding_source_id}": f.amount_minor for f in cycle.funding})
        form = form_class(data=data) if request.method == "GET" else form_class()
    return form, sources


def _cycle_values(form, sources):
    values = {k: getattr(form, k).data for k in ("fiscal_year", "title_ar", "title_en", "description_ar",
                                                  "description_en", "currency", "ballot_method", "max_choices",
                                                  "points_total", "min_spend_pct", "tally_rule", "mes_completion",
                                                  "approval_quorum_pct")}
    values["title_en"] = values["title_en"] or ""
    values["envelope_minor"] = form.envelope.data
    funding = [(s.id, field.data) for s, field in forms.funding_fields(form, sources)]
    return values, funding


@bp.route("/<slug>/cycles/new", methods=["GET", "POST"])
def cycle_new(slug: str):
    council = get_council_or_404(slug)
    ensure(council.can_direct_budget(current_user))
    form, sources = _cycle_form()
    if form.validate_on_submit():
        values, funding = _cycle_values(form, sources)
        try:
            cycle = services.create_cycle(council, current_user, funding=funding, **values)
        except services.CycleError as exc:
            db.session.rollback()
            _field_error(form, exc)
        else:
            db.session.commit()
            flash(_("The budget cycle is open for preparation. Add the allocation proposals next."), "success")
            return _back(cycle)
    return render_template("cycles/cycle_form.html", council=council, form=form, cycle=None,
                           funding=forms.funding_fields(form, sources)), 400 if form.errors else 200


def _field_error(form, exc):
    target = getattr(form, exc.field, None) if exc.field else None
    if target is None and exc.field == "envelope":
        target = form.envelope
    if target is not None:
        target.errors = list(target.errors) + [exc.message]
    else:
        form.form_errors.append(exc.message)


@bp.route("/<slug>/cycles/<int:cycle_id>/edit", methods=["GET", "POST"])
def cycle_edit(slug: str, cycle_id: int):
    council, cycle = _cycle(slug, cycle_id)
    ensure(council.can_direct_budget(current_user))
    if cycle.is_frozen:
        flash(_("Voting has opened: the rules and the proposals are frozen and can no longer be changed."), "error")
        return _back(cycle)
    form, sources = _cycle_form(cycle)
    if form.validate_on_submit():
        values, funding = _cycle_values(form, sources)
        try:
            services.update_cycle(cycle, funding=funding, **values)
        except services.CycleError as exc:
            db.session.rollback()
            _field_error(form, exc)
        else:
            db.session.commit()
            flash(_("The cycle is saved."), "success")
            return _back(cycle)
    return render_template("cycles/cycle_form.html", council=council, form=form, cycle=cycle,
                           funding=forms.funding_fields(form, sources)), 400 if form.errors else 200


@bp.route("/<slug>/cycles/<int:cycle_id>/")
def cycle_detail(slug: str, cycle_id: int):
    council, cycle = _cycle(slug, cycle_id)
    proposals = services.proposals_of(cycle)
    return render_template(
        "cycles/detail.html", council=council, cycle=cycle, proposals=proposals,
        participation=services.participation(cycle), my_ballot=services.my_ballot(cycle, current_user),
        fingerprint_ok=services.verify_fingerprint(cycle) if cycle.fingerprint else None,
        grouped_fingerprint=services.group_fingerprint(cycle.fingerprint),
        can_direct=council.can_direct_budget(current_user), can_manage=council.can_manage(current_user),
        groups=services.exclusive_groups(proposals), proposal_total=sum(p.cost_minor for p in proposals),
        csrf_form=forms.CsrfOnlyForm())


@bp.route("/<slug>/cycles/<int:cycle_id>/delete", methods=["POST"])
def cycle_delete(slug: str, cycle_id: int):
    council, cycle = _cycle(slug, cycle_id)
    ensure(council.can_direct_budget(current_user))
    if not forms.CsrfOnlyForm().validate_on_submit():
        abort(400)
    try:
        services.delete_cycle(cycle, current_user)
    except services.CycleError as exc:
        return _refused(exc, cycle)
    db.session.commit()
    flash(_("The cycle is deleted."), "success")
    return redirect(url_for("cycles.cycle_list", slug=council.slug))


TRANSITION_MESSAGES = {
    "open_voting": lambda: _("Voting is open. The rules and proposals are now frozen."),
    "close_voting": lambda: _("Voting is closed and the ballots are tallied."),
    "approve": lambda: _("The council approved the allocation."),
    "execute": lambda: _("The cycle is now in execution."),
    "close": lambda: _("The cycle is closed."),
}


@bp.route("/<slug>/cycles/<int:cycle_id>/transition/<action>", methods=["POST"])
def cycle_transition(slug: str, cycle_id: int, action: str):
    council, cycle = _cycle(slug, cycle_id)
    ensure(council.can_direct_budget(current_user))
    if action not in services.TRANSITIONS:
        abort(404)
    if not forms.CsrfOnlyForm().validate_on_submit():
        abort(400)
    try:
        services.transition(cycle, action, current_user)
    except services.CycleError as exc:
        return _refused(exc, cycle, "cycles.results" if action == "approve" else "cycles.cycle_detail")
    db.session.commit()
    flash(TRANSITION_MESSAGES[action](), "success")
    return _back(cycle, "cycles.results" if action in ("close_voting", "approve") else "cycles.cycle_detail")


# Proposals ---------------------------------------------------------------------
def _proposal_form(cycle, proposal=None):
    sources = FundingSource.choices()
    form_class = forms.with_funding(forms.ProposalForm, sources)
    if proposal is not None and request.method == "GET":
        data = {k: getattr(proposal, k) for k in services.PROPOSAL_FIELDS}
        data["cost"] = proposal.cost_minor
        data["sector_id"] = proposal.sector_id or 0
        data["locality_id"] = proposal.locality_id or 0
        data["target_group_ids"] = [t.id for t in proposal.target_groups]
        data["priority_ids"] = [p.id for p in proposal.priorities]
        data.update({f"funding_{f.funding_source_id}": f.amount_minor for f in proposal.funding})
        form = form_class(data=data)
    else:
        form = form_class()
    form.sector_id.choices = [(0, "—")] + [(s.id, s.name) for s in Sector.choices()]
    localities = Locality.query.filter(Locality.active.is_(True))
    if cycle.council.governorate_id:
        localities = localities.filter(Locality.governorate_id == cycle.council.governorate_id)
    form.locality_id.choices = [(0, "—")] + [(loc.id, loc.name) for loc in localities.order_by(Locality.sort_order)]
    form.target_group_ids.choices = [(t.id, t.name) for t in TargetGroup.choices()]
    form.priority_ids.choices = [(p.id, f"#{p.id} {p.title}") for p in _council_priorities(cycle)]
    return form, sources


def _council_priorities(cycle):
    from priorities.models import STATUS_DECLINED, STATUS_MERGED, Priority
    return (Priority.query.filter(Priority.council_id == cycle.council_id,
                                  Priority.status.notin_([STATUS_MERGED, STATUS_DECLINED]))
            .order_by(Priority.fiscal_year.desc(), Priority.id).limit(300).all())


def _save_proposal(cycle, form, sources, proposal=None):
    return services.save_proposal(
        cycle, proposal, code=form.code.data, title_ar=form.title_ar.data, title_en=form.title_en.data or "",
        description_ar=form.description_ar.data or "", description_en=form.description_en.data or "",
        sector_id=form.sector_id.data or None, locality_id=form.locality_id.data or None,
        cost_minor=form.cost.data, exclusive_group=form.exclusive_group.data or "",
        target_group_ids=form.target_group_ids.data or [], priority_ids=form.priority_ids.data or [],
        funding=[(s.id, f.data) for s, f in forms.funding_fields(form, sources)])


@bp.route("/<slug>/cycles/<int:cycle_id>/proposals/new", methods=["GET", "POST"])
def proposal_new(slug: str, cycle_id: int):
    council, cycle = _cycle(slug, cycle_id)
    ensure(council.can_direct_budget(current_user))
    if cycle.is_frozen:
        return _refused(services.FrozenError(_("Voting has opened: the rules and the proposals are frozen and can "
                                               "no longer be changed.")), cycle)
    form, sources = _proposal_form(cycle)
    if form.validate_on_submit():
        try:
            _save_proposal(cycle, form, sources)
        except services.CycleError as exc:
            db.session.rollback()
            _field_error(form, exc)
        else:
            db.session.commit()
            flash(_("The proposal is saved."), "success")
            if request.form.get("another"):
                return _back(cycle, "cycles.proposal_new")
            return _back(cycle)
    return render_template("cycles/proposal_form.html", council=council, cycle=cycle, form=form, proposal=None,
                           funding=forms.funding_fields(form, sources)), 400 if form.errors else 200


def _proposal(cycle, proposal_id):
    return AllocationProposal.query.filter_by(id=proposal_id, cycle_id=cycle.id).first_or_404()


@bp.route("/<slug>/cycles/<int:cycle_id>/proposals/<int:proposal_id>")
def proposal_detail(slug: str, cycle_id: int, proposal_id: int):
    council, cycle = _cycle(slug, cycle_id)
    proposal = _proposal(cycle, proposal_id)
    explanation = None
    if cycle.tally:
        rows = explain.results_rows(cycle, [proposal])
        explanation = rows[0] if rows else None
    return render_template("cycles/proposal_detail.html", council=council, cycle=cycle, proposal=proposal,
                           explanation=explanation, can_direct=council.can_direct_budget(current_user))


@bp.route("/<slug>/cycles/<int:cycle_id>/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
def proposal_edit(slug: str, cycle_id: int, proposal_id: int):
    council, cycle = _cycle(slug, cycle_id)
    ensure(council.can_direct_budget(current_user))
    proposal = _proposal(cycle, proposal_id)
    if cycle.is_frozen:
        return _refused(services.FrozenError(_("Voting has opened: the rules and the proposals are frozen and can "
                                               "no longer be changed.")), cycle)
    form, sources = _proposal_form(cycle, proposal)
    if form.validate_on_submit():
        try:
            _save_proposal(cycle, form, sources, proposal)
        except services.CycleError as exc:
            db.session.rollback()
            _field_error(form, exc)
        else:
            db.session.commit()
            flash(_("The proposal is saved."), "success")
            return _back(cycle)
    return render_template("cycles/proposal_form.html", council=council, cycle=cycle, form=form, proposal=proposal,
                           funding=forms.funding_fields(form, sources)), 400 if form.errors else 200


@bp.route("/<slug>/cycles/<int:cycle_id>/proposals/<int:proposal_id>/delete", methods=["POST"])
def proposal_delete(slug: str, cycle_id: int, proposal_id: int):
    council, cycle = _cycle(slug, cycle_id)
    ensure(council.can_direct_budget(current_user))
    proposal = _proposal(cycle, proposal_id)
    if not forms.CsrfOnlyForm().validate_on_submit():
        abort(400)
    try:
        services.delete_proposal(proposal)
    except services.CycleError as exc:
        return _refused(exc, cycle)
    db.session.commit()
    flash(_("The proposal is deleted."), "success")
    return _back(cycle)


@bp.route("/<slug>/cycles/<int:cycle_id>/proposals/import", methods=["GET", "POST"])
def proposal_import(slug: str, cycle_id: int):
    council, cycle = _cycle(slug, cycle_id)
    ensure(council.can_direct_budget(current_user))
    form = forms.ImportForm()
    errors, status = [], 200
    if form.validate_on_submit():
        try:
            table = read_table(form.file.data)
            counts = services.import_proposals(cycle, table)
        except SpreadsheetError as exc:
            db.session.rollback()
            form.file.errors = [str(exc)]
            status = 400
        except services.ImportFailed as exc:
            db.session.rollback()
            flash(exc.message, "error")
            errors, status = exc.errors, 400
        except services.CycleError as exc:
            return _refused(exc, cycle)
        else:
            db.session.commit()
            flash(_("Import done: %(created)s proposals created, %(updated)s updated.", **counts), "success")
            return _back(cycle)
    elif form.errors:
        status = 400
    return render_template("cycles/import.html", council=council, cycle=cycle, form=form, errors=errors,
                           columns=services.proposal_columns(cycle), kind="proposals"), status


@bp.route("/<slug>/cycles/<int:cycle_id>/proposals/template.<fmt>")
def proposal_template(slug: str, cycle_id: int, fmt: str):
    council, cycle = _cycle(slug, cycle_id)
    ensure(council.can_direct_budget(current_user))
    if fmt not in ("csv", "xlsx"):
        abort(404)
    return download(template_frames(services.proposal_columns(cycle), _("Instructions")),
                    f"proposals-template-{council.slug}-{cycle.fiscal_year}", fmt)


# Voting ------------------------------------------------------------------------
def parse_ballot_form(cycle, proposals, formdata):
    """The ballot form's fields → ``choices`` for :func:`services.validate_choices`."""
    ids = {p.id for p in proposals}
    try:
        if cycle.ballot_method == METHOD_CUMULATIVE:
            out = {}
            for p in proposals:
                value = forms.parse_int(formdata.get(f"points-{p.id}"))
                if value:
                    out[p.id] = value
            return out
        if cycle.ballot_method == METHOD_RANKED:
            ranked = []
            for p in proposals:
                value = forms.parse_int(formdata.get(f"rank-{p.id}"))
                if value:
                    ranked.append((value, p.id))
            ranks = [r for r, _ in ranked]
            if len(ranks) != len(set(ranks)):
                raise services.CycleError(_("Two proposals have the same rank: give each rank only once."))
            return [pid for _, pid in sorted(ranked)]
        return [int(v) for v in formdata.getlist("proposal") if v.isdigit() and int(v) in ids]
    except ValueError:
        raise services.CycleError(_("Write whole numbers only."))


@bp.route("/<slug>/cycles/<int:cycle_id>/vote", methods=["GET", "POST"])
def vote(slug: str, cycle_id: int):
    council, cycle = _cycle(slug, cycle_id)
    ensure(council.is_member(current_user) or current_user.is_admin)
    proposals = services.proposals_of(cycle)
    form = forms.CsrfOnlyForm()
    error, choices, status = None, None, 200
    existing = services.my_ballot(cycle, current_user)
    if request.method == "POST":
        if cycle.phase != PHASE_VOTING or not council.is_member(current_user):
            flash(_("Voting is not open for this cycle.") if cycle.phase != PHASE_VOTING else
                  _("Only members of the council may vote."), "error")
            return _back(cycle, "cycles.vote")
        if not form.validate_on_submit():
            abort(400)
        try:
            choices = parse_ballot_form(cycle, proposals, request.form)
            ballot = services.cast_ballot(cycle, current_user, choices)
        except services.CycleError as exc:
            db.session.rollback()
            error, status = exc.message, 400
        else:
            db.session.commit()
            flash(_("Your ballot is recorded. Keep your receipt code: %(code)s.",
                    code=services.format_receipt(ballot.receipt_code)), "success")
            return _back(cycle, "cycles.vote_receipt")
    elif existing is not None:
        choices = services.ballot_choices(cycle, existing)
    return render_template("cycles/vote.html", council=council, cycle=cycle, proposals=proposals, form=form,
                           error=error, choices=_choices_for_template(cycle, choices), existing=existing,
                           mode="online"), status


def _choices_for_template(cycle, choices):
    """{proposal_id: value}: True for ticked, points, or rank."""
    if not choices:
        return {}
    if cycle.ballot_method == METHOD_CUMULATIVE:
        return dict(choices)
    if cycle.ballot_method == METHOD_RANKED:
        return {pid: rank for rank, pid in enumerate(choices, 1)}
    return dict.fromkeys(choices, True)


@bp.route("/<slug>/cycles/<int:cycle_id>/vote/receipt")
def vote_receipt(slug: str, cycle_id: int):
    council, cycle = _cycle(slug, cycle_id)
    ballot = services.my_ballot(cycle, current_user)
    if ballot is None:
        flash(_("You have not voted in this cycle."), "error")
        return _back(cycle, "cycles.vote")
    proposals = {p.id: p for p in cycle.proposals}
    return render_template("cycles/receipt.html", council=council, cycle=cycle, ballot=ballot,
                           receipt=services.format_receipt(ballot.receipt_code), proposals=proposals,
                           grouped_fingerprint=services.group_fingerprint(cycle.fingerprint))


@bp.route("/<slug>/cycles/<int:cycle_id>/receipts")
def receipts(slug: str, cycle_id: int):
    council, cycle = _public_cycle(slug, cycle_id)
    query = (request.args.get("code") or "").strip()[:40]
    result = None
    if query and cycle.voting_closed:
        result = services.receipt_counted(cycle, query)
    codes = [services.format_receipt(c) for c in services.counted_receipts(cycle)] if cycle.voting_closed else []
    return render_template("cycles/receipts.html", council=council, cycle=cycle, codes=codes, query=query,
                           result=result, grouped_fingerprint=services.group_fingerprint(cycle.fingerprint))


# Paper ballots -----------------------------------------------------------------
def _meeting_choices(cycle):
    from councils.models import Meeting
    meetings = (Meeting.query.filter_by(council_id=cycle.council_id).order_by(Meeting.held_at.desc())
                .limit(50).all())
    return [(0, _("Another meeting (name it below)"))] + [
        (m.id, f"{m.title} — {m.held_at:%Y-%m-%d}") for m in meetings]


def _meeting_values(form):
    return {"meeting_id": form.meeting_id.data or None, "meeting_label": form.meeting_label.data or "",
            "meeting_date": form.meeting_date.data}


@bp.route("/<slug>/cycles/<int:cycle_id>/paper", methods=["GET", "POST"])
def paper_ballots(slug: str, cycle_id: int):
    council, cycle = _cycle(slug, cycle_id)
    ensure(council.can_manage(current_user))
    proposals = services.proposals_of(cycle)
    form = forms.PaperMeetingForm()
    form.meeting_id.choices = _meeting_choices(cycle)
    import_form = forms.PaperImportForm(prefix="import")
    import_form.meeting_id.choices = form.meeting_id.choices
    error, choices, status = None, None, 200
    if request.method == "POST":
        if cycle.phase != PHASE_VOTING:
            flash(_("Paper ballots can be entered only while voting is open."), "error")
            return _back(cycle, "cycles.paper_ballots")
        if form.validate_on_submit():
            try:
                choices = parse_ballot_form(cycle, proposals, request.form)
                ballot = services.enter_paper_ballot(cycle, current_user, choices, **_meeting_values(form))
            except services.CycleError as exc:
                db.session.rollback()
                error, status = exc.message, 400
            else:
                db.session.commit()
                flash(_("Paper ballot entered (receipt %(code)s). Enter the next one below.",
                        code=services.format_receipt(ballot.receipt_code)), "success")
                return _back(cycle, "cycles.paper_ballots")
        else:
            status = 400
    return render_template("cycles/paper.html", council=council, cycle=cycle, proposals=proposals, form=form,
                           import_form=import_form, error=error, import_errors=[],
                           choices=_choices_for_template(cycle, choices), ballots=services.paper_ballots(cycle),
                           columns=services.paper_ballot_columns(cycle), mode="paper",
                           csrf_form=forms.CsrfOnlyForm()), status


@bp.route("/<slug>/cycles/<int:cycle_id>/paper/import", methods=["POST"])
def paper_import(slug: str, cycle_id: int):
    council, cycle = _cycle(slug, cycle_id)
    ensure(council.can_manage(current_user))
    form = forms.PaperImportForm(prefix="import")
    form.meeting_id.choices = _meeting_choices(cycle)
    errors = []
    if form.validate_on_submit():
        try:
            table = read_table(form.file.data)
            n = services.import_paper_ballots(cycle, table, current_user, **_meeting_values(form))
        except SpreadsheetError as exc:
            db.session.rollback()
            form.file.errors = [str(exc)]
        except services.ImportFailed as exc:
            db.session.rollback()
            flash(exc.message, "error")
            errors = exc.errors
        except services.CycleError as exc:
            return _refused(exc, cycle, "cycles.paper_ballots")
        else:
            db.session.commit()
            flash(_("%(n)s paper ballots entered.", n=n), "success")
            return _back(cycle, "cycles.paper_ballots")
    proposals = services.proposals_of(cycle)
    entry = forms.PaperMeetingForm(formdata=None)
    entry.meeting_id.choices = form.meeting_id.choices
    return render_template("cycles/paper.html", council=council, cycle=cycle, proposals=proposals, form=entry,
                           import_form=form, error=None, import_errors=errors, choices={},
                           ballots=services.paper_ballots(cycle), columns=services.paper_ballot_columns(cycle),
                           mode="paper", csrf_form=forms.CsrfOnlyForm()), 400


@bp.route("/<slug>/cycles/<int:cycle_id>/paper/template.<fmt>")
def paper_template(slug: str, cycle_id: int, fmt: str):
    council, cycle = _cycle(slug, cycle_id)
    ensure(council.can_manage(current_user))
    if fmt not in ("csv", "xlsx"):
        abort(404)
    return download(template_frames(services.paper_ballot_columns(cycle), _("Instructions")),
                    f"paper-ballots-template-{council.slug}-{cycle.fiscal_year}", fmt)


@bp.route("/<slug>/cycles/<int:cycle_id>/paper/<int:ballot_id>/delete", methods=["POST"])
def paper_delete(slug: str, cycle_id: int, ballot_id: int):
    council, cycle = _cycle(slug, cycle_id)
    ensure(council.can_manage(current_user))
    ballot = Ballot.query.filter_by(id=ballot_id, cycle_id=cycle.id, source=BALLOT_PAPER).first_or_404()
    if not forms.CsrfOnlyForm().validate_on_submit():
        abort(400)
    try:
        services.delete_paper_ballot(ballot)
    except services.CycleError as exc:
        return _refused(exc, cycle, "cycles.paper_ballots")
    db.session.commit()
    flash(_("The paper ballot is removed."), "success")
    return _back(cycle, "cycles.paper_ballots")


# Results, override, approval -----------------------------------------------------
@bp.route("/<slug>/cycles/<int:cycle_id>/results")
def results(slug: str, cycle_id: int):
    council, cycle = _cycle(slug, cycle_id)
    proposals = services.proposals_of(cycle)
    rows = explain.results_rows(cycle, proposals)
    snapshot = cycle.tally
    context = {}
    if snapshot:
        by_code = {p.code: p for p in proposals}
        final_cost = sum(by_code[c].cost_minor for c in cycle.final_selected_codes() if c in by_code)
        comparison = [{"rule": rule, "label": services_rule_label(rule), "selected": set(data["selected"]),
                       "cost_minor": sum(by_code[c].cost_minor for c in data["selected"] if c in by_code)}
                      for rule, data in snapshot["comparison"].items()]
        context = dict(
            final_cost=final_cost, comparison=comparison,
            votes_chart=charts.payload(charts.votes_chart(rows, cycle)),
            envelope_chart=charts.payload(charts.envelope_chart(final_cost, cycle)),
            approval=services.approval_tally(cycle),
            my_approval=_my_approval(cycle),
            approval_form=forms.ApprovalVoteForm(data={"choice": _my_approval(cycle)}),
        )
    return render_template("cycles/results.html", council=council, cycle=cycle, rows=rows, snapshot=snapshot,
                           participation=services.participation(cycle),
                           can_direct=council.can_direct_budget(current_user),
                           grouped_fingerprint=services.group_fingerprint(cycle.fingerprint),
                           csrf_form=forms.CsrfOnlyForm(), **context)


def services_rule_label(rule):
    from budget_app.cycles.models import RULE_LABELS
    return str(RULE_LABELS.get(rule, rule))


def _my_approval(cycle):
    from budget_app.cycles.models import ApprovalVote
    vote = ApprovalVote.query.filter_by(cycle_id=cycle.id, user_id=current_user.id).first()
    return vote.choice if vote else None


@bp.route("/<slug>/cycles/<int:cycle_id>/results.<fmt>")
def results_export(slug: str, cycle_id: int, fmt: str):
    from budget_app.cycles.exports import results_frame
    from budget_app.exports import dated_name
    council, cycle = _cycle(slug, cycle_id)
    if fmt not in ("csv", "xlsx") or not cycle.tally:
        abort(404)
    rows = explain.results_rows(cycle, services.proposals_of(cycle))
    return download(results_frame(rows, cycle), dated_name("results", council.slug, cycle.fiscal_year), fmt)


@bp.route("/<slug>/cycles/<int:cycle_id>/override", methods=["GET", "POST"])
def override(slug: str, cycle_id: int):
    council, cycle = _cycle(slug, cycle_id)
    ensure(council.can_direct_budget(current_user))
    if cycle.phase != PHASE_DECIDED:
        flash(_("The allocation can be changed only after the tally and before the council approves."), "error")
        return _back(cycle, "cycles.results")
    proposals = services.proposals_of(cycle)
    form = forms.OverrideForm(data={"reason": cycle.override_reason} if request.method == "GET" else None)
    selected = set(cycle.final_selected_codes())
    error, status = None, 200
    if request.method == "POST":
        selected = set(request.form.getlist("selected"))
        if form.validate_on_submit():
            try:
                services.override_selection(cycle, current_user, selected, form.reason.data)
            except services.CycleError as exc:
                db.session.rollback()
                error, status = exc.message, 400
            else:
                db.session.commit()
                flash(_("The final allocation is saved with its reason. The council's approval vote starts "
                        "again."), "success")
                return _back(cycle, "cycles.results")
        else:
            status = 400
    return render_template("cycles/override.html", council=council, cycle=cycle, proposals=proposals, form=form,
                           selected=selected, computed=set(cycle.tally["main"]["selected"]), error=error), status


@bp.route("/<slug>/cycles/<int:cycle_id>/approval", methods=["POST"])
def approval_vote(slug: str, cycle_id: int):
    council, cycle = _cycle(slug, cycle_id)
    ensure(council.is_member(current_user) or current_user.is_admin)
    form = forms.ApprovalVoteForm()
    if not form.validate_on_submit():
        flash(_("Choose yes, no or abstain."), "error")
        return _back(cycle, "cycles.results")
    try:
        services.cast_approval_vote(cycle, current_user, form.choice.data)
    except services.CycleError as exc:
        return _refused(exc, cycle, "cycles.results")
    db.session.commit()
    flash(_("Your vote on the allocation is recorded."), "success")
    return _back(cycle, "cycles.results")


@bp.route("/<slug>/cycles/<int:cycle_id>/ballots.pb")
def export_pb(slug: str, cycle_id: int):
    from budget_app.cycles.exports import pb_text
    council, cycle = _public_cycle(slug, cycle_id)
    if not cycle.voting_closed:
        abort(404)
    response = Response(pb_text(cycle), content_type="text/plain; charset=utf-8")
    response.headers["Content-Disposition"] = (f'attachment; filename="sharaka-{council.slug}-{cycle.fiscal_year}-'
                                               f'{cycle.id}.pb"')
    return response
