"""Public pages of the consultations (no login): type or scan a code, answer, get a receipt.

Wrong codes are counted per address in the failure counter every worker shares
(``budget_app.auth.throttle``: the database, or Redis when configured) and logged; past
``CONSULTATION_CODE_FAILURE_LIMIT`` ("10 per 15 minutes") the address is refused for a while,
even with a right code, so guessing 60-bit codes is hopeless and noisy.
"""
from __future__ import annotations

import hashlib
from datetime import timedelta

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from limits import parse

from budget_app import transaction
from budget_app.auth import throttle
from budget_app.extensions import limiter
from priorities.consultations import services
from priorities.consultations.forms import CodeForm, ballot_values
from priorities.labels import METHOD_LABELS

bp = Blueprint("consult", __name__, url_prefix="/consult")
# The QR code's short address (``/C/<code>``, upper case: QR's compact alphanumeric mode).
scan_bp = Blueprint("consult_scan", __name__)


def _failure_limit() -> tuple[int, timedelta]:
    item = parse(current_app.config.get("CONSULTATION_CODE_FAILURE_LIMIT", "10 per 15 minutes"))
    return item.amount, timedelta(seconds=item.get_expiry())


def _address_key() -> str:
    address = request.remote_addr or ""
    return "consult-address:" + hashlib.sha256(address.encode()).hexdigest()[:40]


def _blocked() -> bool:
    allowed, window = _failure_limit()
    return throttle.failures_under(_address_key(), window) >= allowed


def _refused(error: services.CodeRefused, form: CodeForm):
    """Log the refusal, count it if it looks like a guess, and show the code form again."""
    services.log_refusal(error, request.remote_addr or "")
    if error.reason in services.GUESSES:
        _allowed, window = _failure_limit()
        throttle.add_failure_under(_address_key(), window)
    status = 409 if error.reason in (services.USED, services.VOIDED, services.CLOSED, services.NOT_OPEN) else 400
    return render_template("consultations/enter.html", form=form, error=str(error),
                           consultation=error.consultation), status


def _too_many(form: CodeForm):
    return render_template("consultations/enter.html", form=form, error=_(
        "Too many wrong codes were typed from this connection. Wait a quarter of an hour, then try again; "
        "the facilitator can help."), consultation=None), 429


def _answer_limit() -> str:
    return current_app.config.get("CONSULTATION_ANSWER_LIMIT", "300 per hour")


def _ballot(form, consultation, *, values=None, error=None, status=200):
    return render_template("consultations/ballot.html", form=form, consultation=consultation, values=values or {},
                           error=error, methods=METHOD_LABELS), status


@bp.route("/", methods=["GET", "POST"])
@limiter.limit(_answer_limit, methods=["POST"])
def enter():
    """Type the code from the card (or arrive from its QR code, ``?code=…``): the ballot if the
    code may answer, else why not."""
    typed = request.form.get("code") if request.method == "POST" else request.args.get("code")
    return _check(typed)


@scan_bp.route("/C/<code>")
@limiter.limit(_answer_limit)
def scan(code: str):
    """Where a card's QR code leads: the ballot for that code."""
    return _check(code)


def _check(typed: str | None):
    form = CodeForm()
    if typed is None:
        return render_template("consultations/enter.html", form=form, error=None, consultation=None)
    form.code.data = (typed or "")[:40]
    if request.method == "POST" and not form.validate():
        return render_template("consultations/enter.html", form=form, error=None, consultation=None), 400
    if _blocked():
        return _too_many(form)
    try:
        _row, consultation = services.find_code(typed)
    except services.CodeRefused as error:
        return _refused(error, form)
    return _ballot(form, consultation)


@bp.route("/answer", methods=["POST"])
@limiter.limit(_answer_limit)
def answer():
    """Count the answer and claim the code (once); the receipt, or the ballot again with what to fix."""
    form = CodeForm()
    if not form.validate_on_submit():
        return render_template("consultations/enter.html", form=form, error=None, consultation=None), 400
    if _blocked():
        return _too_many(form)
    try:
        found = services.find_code(form.code.data)
    except services.CodeRefused as error:
        return _refused(error, form)
    consultation = found[1]
    values, bad = ballot_values(consultation.priorities, request.form)
    if bad:
        return _ballot(form, consultation, values=values, error=_("Enter whole numbers, zero or more."), status=400)
    try:
        result = services.answer(form.code.data, values, found=found)
    except services.CodeRefused as error:  # claimed by another request between the check and now
        return _refused(error, form)
    except services.ConsultationError as error:
        return _ballot(form, consultation, values=values, error=str(error), status=400)
    return redirect(url_for("consult.receipt", receipt=result.receipt))


@bp.route("/receipt/<receipt>")
def receipt(receipt: str):
    """The receipt of an answer: it was counted, when, and what it said."""
    row = services.receipt_answer(receipt)
    if row is None:
        abort(404)
    consultation = row.consultation
    values = row.values
    chosen = [(p, values[p.id]) for p in consultation.priorities if p.id in values]
    chosen.sort(key=lambda item: (item[1] if consultation.method == "ranking" else -item[1]))
    return render_template("consultations/receipt.html", answer=row, consultation=consultation, chosen=chosen)
