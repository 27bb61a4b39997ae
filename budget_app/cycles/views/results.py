"""Results, the director's override, the council's approval vote and the files out."""
from __future__ import annotations

import hashlib

from flask import Response, abort, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from budget_app.cache import LRU
from budget_app.cycles import charts, explain, fairness_files, fairness_text, forms
from budget_app.cycles.approval import approval_tally, cast_approval_vote, frozen_electorate, override_selection
from budget_app.cycles.ballots import participation
from budget_app.cycles.blueprint import bp
from budget_app.cycles.errors import CycleError
from budget_app.cycles.exports import pb_text, results_frame
from budget_app.cycles.interests import declarations_of, declarations_view
from budget_app.cycles.models import PHASE_DECIDED, RULE_LABELS, ApprovalVote
from budget_app.cycles.proposals import ballot_proposals_of, proposals_of
from budget_app.cycles.rules import group_fingerprint
from budget_app.cycles.views.common import PROPOSALS_PER_PAGE, back_to, load_cycle, load_public_cycle, refused
from budget_app.errors import undo_refused
from budget_app.exports import dated_name, download
from budget_app.pagination import paginate_list
from budget_app.permissions import ensure


@bp.route("/<slug>/cycles/<int:cycle_id>/results")
def results(slug: str, cycle_id: int):
    council, cycle = load_cycle(slug, cycle_id)
    proposals = ballot_proposals_of(cycle)
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
            votes_chart=explain.cached_for_results(cycle, "votes_chart",
                                                   lambda: charts.payload(charts.votes_chart(rows, cycle))),
            envelope_chart=explain.cached_for_results(cycle, "envelope_chart",
                                                      lambda: charts.payload(charts.envelope_chart(final_cost, cycle))),
            approval=approval_tally(cycle),
            in_electorate=current_user.id in frozen_electorate(cycle, store=False),
            interests=declarations_view(cycle, frozen_electorate(cycle, store=False)),
            my_declaration=declarations_of(cycle).get(current_user.id),
            my_approval=_my_approval(cycle),
            approval_form=forms.ApprovalVoteForm(data={"choice": _my_approval(cycle)}),
            fairness=fairness_text.fairness_view(cycle, proposals),
            margin_texts=fairness_text.margin_texts(cycle, proposals),
        )
    page = paginate_list(rows, PROPOSALS_PER_PAGE)
    return render_template("cycles/results.html", council=council, cycle=cycle, rows=rows, snapshot=snapshot,
                           shown_rows=page.items, page=page,
                           participation=participation(cycle),
                           can_direct=council.can_direct_budget(current_user),
                           can_manage=council.can_manage(current_user),
                           grouped_fingerprint=group_fingerprint(cycle.fingerprint),
                           csrf_form=forms.CsrfOnlyForm(), **context)


def services_rule_label(rule):
    return str(RULE_LABELS.get(rule, rule))


def _my_approval(cycle):
    vote = ApprovalVote.query.filter_by(cycle_id=cycle.id, user_id=current_user.id).first()
    return vote.choice if vote else None


@bp.route("/<slug>/cycles/<int:cycle_id>/results.<fmt>")
def results_export(slug: str, cycle_id: int, fmt: str):
    council, cycle = load_cycle(slug, cycle_id)
    if fmt not in ("csv", "xlsx") or not cycle.tally:
        abort(404)
    rows = explain.results_rows(cycle, ballot_proposals_of(cycle))
    return download(results_frame(rows, cycle), dated_name("results", council.slug, cycle.fiscal_year), fmt)


@bp.route("/<slug>/cycles/<int:cycle_id>/<any(fairness, margins):table>.<fmt>")
def report_export(slug: str, cycle_id: int, table: str, fmt: str):
    """The fairness report (one row per rule, and the set actually funded after a change) or the
    per-proposal margins, as CSV or Excel: the columns of the open data's Data Package."""
    council, cycle = load_cycle(slug, cycle_id)
    if fmt not in ("csv", "xlsx") or not cycle.tally:
        abort(404)
    if table == "fairness":
        records = fairness_files.fairness_records(
            fairness_files.entries_from_tally(cycle.tally, cycle.tally_rule, cycle.override))
    else:
        records = fairness_files.margin_records(fairness_files.margin_rows_from_tally(cycle.tally, ballot_proposals_of(cycle)))
    frame = (fairness_files.frame if fmt == "csv" else fairness_files.excel_frame)(table, records)
    return download({table: frame}, dated_name(table, council.slug, cycle.fiscal_year), fmt)


@bp.route("/<slug>/cycles/<int:cycle_id>/override", methods=["GET", "POST"])
def override(slug: str, cycle_id: int):
    council, cycle = load_cycle(slug, cycle_id)
    ensure(council.can_direct_budget(current_user))
    if cycle.phase != PHASE_DECIDED:
        flash(_("The allocation can be changed only after the tally and before the council approves."), "error")
        return back_to(cycle, "cycles.results")
    proposals = ballot_proposals_of(cycle)
    form = forms.OverrideForm(data={"reason": cycle.override_reason} if request.method == "GET" else None)
    selected = set(cycle.final_selected_codes())
    error, status = None, 200
    if request.method == "POST":
        selected = set(request.form.getlist("selected"))
        if form.validate_on_submit():
            try:
                override_selection(cycle, current_user, selected, form.reason.data)
            except CycleError as exc:
                undo_refused()
                error, status = exc.message, 400
            else:
                flash(_("The final allocation is saved with its reason. The council's approval vote starts "
                        "again."), "success")
                return back_to(cycle, "cycles.results")
        else:
            status = 400
    return render_template("cycles/override.html", council=council, cycle=cycle, proposals=proposals, form=form,
                           selected=selected, computed=set(cycle.tally["main"]["selected"]), error=error), status


@bp.route("/<slug>/cycles/<int:cycle_id>/approval", methods=["POST"])
def approval_vote(slug: str, cycle_id: int):
    council, cycle = load_cycle(slug, cycle_id)
    ensure(cycle.can_view_ballot(current_user))
    form = forms.ApprovalVoteForm()
    if not form.validate_on_submit():
        flash(_("Choose yes, no or abstain."), "error")
        return back_to(cycle, "cycles.results")
    try:
        cast_approval_vote(cycle, current_user, form.choice.data)
    except CycleError as exc:
        return refused(exc, cycle, "cycles.results")
    flash(_("Your vote on the allocation is recorded."), "success")
    return back_to(cycle, "cycles.results")


# The anonymized ballots of a closed cycle never change: each worker builds the file once (a
# city-wide election's 66,000 ballots take seconds to read and write) and keeps its few latest.
_PB_FILES = LRU(4)


@bp.route("/<slug>/cycles/<int:cycle_id>/ballots.pb")
def export_pb(slug: str, cycle_id: int):
    council, cycle = load_public_cycle(slug, cycle_id)
    if not cycle.voting_closed:
        abort(404)
    key = (cycle.id, cycle.fingerprint, cycle.voting_closed_at, cycle.title_ar, cycle.title_en, council.name_en)
    cached = _PB_FILES.get(key)
    if cached is None:
        body = pb_text(cycle).encode("utf-8")
        cached = (body, hashlib.sha256(body).hexdigest()[:32])
        _PB_FILES.set(key, cached)
    body, etag = cached
    response = Response(body, content_type="text/plain; charset=utf-8")
    response.headers["Content-Disposition"] = (f'attachment; filename="sharaka-{council.slug}-{cycle.fiscal_year}-'
                                               f'{cycle.id}.pb"')
    response.set_etag(etag)
    return response.make_conditional(request)
