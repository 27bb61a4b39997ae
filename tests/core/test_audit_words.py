"""The audit log reads as sentences (issue 10, section 6): every action recorded anywhere in the
code has a label and a sentence in both languages; the page links the objects that still exist,
offers its filters as choices, shows details as label: value pairs (money and dates through
Babel, never JSON) and pages through filtered results."""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from helpers import page_text

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("budget_app", "councils", "priorities", "citizen_budget", "simulator")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _strings(node) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _strings(node.body) | _strings(node.orelse)
    return set()


def _assigned(function: ast.AST, name: str) -> set[str]:
    found = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            found |= _strings(node.value)
    return found


def recorded_actions() -> tuple[set[str], list[str]]:
    """Every action string passed to the audit recorder in the code (``audit.record``,
    ``record_import_refusal``, the views' ``_import_refused``, the large demo's ``self.log``),
    following a variable to the constants assigned to it. Returns (actions, f-string call sites)."""
    actions, dynamic = set(), []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
            # this module's own helpers that take an ``action`` (cycles/views.py's _import_refused)
            takes_action = {f.name: [a.arg for a in f.args.args].index("action") for f in functions
                            if "action" in [a.arg for a in f.args.args] and any(
                                isinstance(c, ast.Call) and getattr(c.func, "attr", getattr(c.func, "id", None))
                                in ("record", "record_import_refusal") for c in ast.walk(f))}
            for function in functions:
                for call in ast.walk(function):
                    if not isinstance(call, ast.Call):
                        continue
                    func = call.func
                    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
                    if name == "record" and isinstance(func, ast.Attribute) and getattr(func.value, "id", "") == "audit":
                        index = 0
                    elif name == "record_import_refusal":
                        index = 0
                    elif name in takes_action and name != "record":
                        index = takes_action[name]
                    elif name == "log" and isinstance(func, ast.Attribute) and getattr(func.value, "id", "") == "self" \
                            and path.name == "demo_large.py":
                        index = 0
                    else:
                        continue
                    if len(call.args) <= index:
                        continue
                    arg = call.args[index]
                    if isinstance(arg, ast.JoinedStr):
                        dynamic.append(f"{path.relative_to(ROOT)}:{call.lineno}")
                    elif isinstance(arg, ast.Name):
                        values = _assigned(function, arg.id)
                        # a parameter (record_import_refusal's own ``action``) is followed at its callers
                        if values or arg.id not in {a.arg for a in function.args.args}:
                            assert values, f"{path.relative_to(ROOT)}:{call.lineno}: cannot follow {arg.id}"
                        actions |= values
                    else:
                        found = _strings(arg)
                        assert found, f"{path.relative_to(ROOT)}:{call.lineno}: action is not a plain string"
                        actions |= found
    return actions, dynamic


def _arabic_catalog() -> dict:
    from babel.messages.pofile import read_po
    with open(ROOT / "budget_app/translations/ar/LC_MESSAGES/messages.po", "rb") as fh:
        return {m.id: m.string for m in read_po(fh) if m.id}


def test_every_recorded_action_has_a_label_and_a_sentence_in_both_languages(app):
    from budget_app import audit
    from budget_app.reference.models import REFERENCE_KINDS

    actions, dynamic = recorded_actions()
    # The one f-string: the reference lists' create/update (budget_app/admin/services.py).
    assert [place.rsplit(":", 1)[0] for place in dynamic] == ["budget_app/admin/services.py"], dynamic
    actions |= {f"{m.__tablename__}.{verb}" for m in REFERENCE_KINDS.values() for verb in ("create", "update")}
    assert len(actions) > 60 and {"cycle.open_voting", "ballot.cast", "proposal.import_refused"} <= actions
    known = audit.known_actions()
    missing = sorted(actions - set(known))
    assert not missing, f"audit actions without words (budget_app.audit.words): {missing}"
    catalog = _arabic_catalog()
    for action in sorted(actions):
        label, sentence = known[action]
        for text in (label, sentence):
            english = text._args[0] if hasattr(text, "_args") else str(text)
            assert catalog.get(english), f"{action}: no Arabic for {english!r}"
            assert set(PLACEHOLDER.findall(catalog[english])) == set(PLACEHOLDER.findall(english)), action
        # Actions of people without an account (a citizen, a beneficiary with a code) name nobody.
        anonymous = ("auth.login_failed", "feedback.submit", "simulation.submit", "consultation.answer")
        assert "%(who)s" in str(sentence) or action in anonymous, action


def test_audit_log_reads_as_sentences_with_links_and_readable_details(app, client, world):
    from flask_login import login_user

    from budget_app import audit
    from budget_app.cycles.lifecycle import create_cycle
    from budget_app.extensions import db

    director = world.users["director"]
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "10.1.2.3"}):
        login_user(director)
        cycle = create_cycle(world.hebron, director, fiscal_year=2031, title_ar="موازنة الخليل 2031",
                             title_en="Hebron 2031", envelope_minor=1_250_000_00, ballot_method="approval",
                             tally_rule="greedy")
        gone = create_cycle(world.nablus, director, fiscal_year=2031, title_ar="دورة ستحذف",
                            title_en="To be deleted", envelope_minor=100_00, ballot_method="approval",
                            tally_rule="greedy")
        audit.record("recommendation.create", None, council_id=world.hebron.id, actor=world.users["coordinator"],
                     kind="decision", owner="Directorate", due_date="2031-03-31")
        db.session.commit()
    gone_id = gone.id
    db.session.delete(gone)
    db.session.commit()

    client.login("admin@sharaka.test")
    english = client.get("/admin/audit?lang=en&object_type=budget_cycle")
    html = english.get_data(as_text=True)
    text = page_text(english)
    director = director.display_name
    assert f"{director} (Budget director) opened the budget cycle “Hebron 2031”" in text
    assert f'href="/councils/hebron/cycles/{cycle.id}/"' in html
    assert f"opened the budget cycle #{gone_id} (no longer shown)" in text  # deleted: no link
    assert "Envelope ₪1,250,000" in text and "from 10.1.2.3" in text
    assert '{"' not in html and "cycle.create" not in text  # no JSON, no action codes
    arabic = page_text(client.get("/admin/audit?lang=ar&object_type=budget_cycle"))
    assert f"{director} (مدير الموازنة): فتح دورة الموازنة «موازنة الخليل 2031»" in arabic
    assert "المخصص الإجمالي" in arabic or "السقف المالي" in arabic

    dated = page_text(client.get("/admin/audit?lang=en&action=recommendation.create"))
    assert "Due date Mar 31, 2031" in dated and "Kind Decision" in dated
    assert "(Coordinator) recorded the recommendation" in dated
    # A code inside an Arabic sentence keeps its own direction.
    audit.record("proposal.delete", None, council_id=world.hebron.id, actor=world.users["director"], code="P07-A02")
    db.session.commit()
    deleted = client.get("/admin/audit?lang=ar&action=proposal.delete").get_data(as_text=True)
    assert '<bdi dir="ltr">P07-A02</bdi>' in deleted


def test_audit_filters_are_choices_of_translated_labels(client, world):
    client.login("admin@sharaka.test")
    html = client.get("/admin/audit?lang=en").get_data(as_text=True)
    action = re.search(r'<select[^>]*name="action".*?</select>', html, re.S).group(0)
    assert '<option value="cycle.open_voting">Voting opened</option>' in action
    assert '<option selected value="">Any action</option>' in action or 'value="" selected' in action \
        or '<option selected value="">' in action
    kind = re.search(r'<select[^>]*name="object_type".*?</select>', html, re.S).group(0)
    assert '<option value="budget_cycle">Budget cycle</option>' in kind
    arabic = client.get("/admin/audit?lang=ar").get_data(as_text=True)
    assert re.search(r'<option value="cycle.open_voting">[\u0600-\u06FF][^<]*</option>', arabic)
    # A made-up value is refused with a message and filters nothing (the page still answers).
    refused = client.get("/admin/audit?lang=en&action=no.such")
    assert refused.status_code == 200 and "Not a valid choice" in page_text(refused)


def test_filtered_audit_log_pages_keep_their_filter(client, world):
    from budget_app import audit
    from budget_app.admin.views import PAGE_SIZE
    from budget_app.extensions import db
    for n in range(PAGE_SIZE * 2 + 3):
        audit.record("council.update", world.hebron, actor=world.users["admin"], name_en=f"Hebron {n}")
        audit.record("auth.login", world.users["member1"], actor=world.users["member1"])
    db.session.commit()
    client.login("admin@sharaka.test")
    first = client.get("/admin/audit?lang=en&action=council.update").get_data(as_text=True)
    nxt = re.search(r'href="([^"]*page=2[^"]*)"', first).group(1).replace("&amp;", "&")
    assert "action=council.update" in nxt
    second = client.get(nxt)
    body = page_text(second)
    assert body.count("changed the council") == PAGE_SIZE and "signed in" not in body
    third = page_text(client.get(nxt.replace("page=2", "page=3")))
    assert third.count("changed the council") == 3


def test_every_action_of_the_seeded_demo_reads_as_a_sentence(app, runner, client):
    from budget_app import audit
    from budget_app.audit import AuditLog
    from budget_app.extensions import db

    result = runner.invoke(args=["seed-demo", "--password", "a demo pass phrase"])
    assert result.exit_code == 0, result.output
    seen = {a for (a,) in db.session.query(AuditLog.action).distinct()}
    assert len(seen) > 15
    assert not sorted(seen - set(audit.known_actions()))
    with app.test_request_context("/?lang=en"):
        entries = AuditLog.query.order_by(AuditLog.id).all()
        lines = audit.present(entries)
    for line in lines:
        sentence = str(line.sentence)
        assert "%(" not in sentence and line.entry.action not in sentence, sentence
        for label, value in line.details:
            assert not value.startswith(("{", "[")), (line.entry.action, label, value)
            assert "_" not in label, (line.entry.action, label)


def test_a_draft_priority_is_named_only_to_its_author(app, client, world):
    """The council's activity feed (and the audit log) name a draft only to whoever may open it:
    another member saw the title of a colleague's draft, linked to a page answering 404."""
    import sys
    sys.path.insert(0, str(ROOT / "tests" / "priorities"))
    from priority_factories import make_priority
    from flask_login import login_user

    with app.test_request_context("/"):
        login_user(world.users["member1"])
        draft = make_priority(world.hebron, world.users["member1"], title="مسودة لم تقدم بعد", status="draft",
                              title_en="A draft not submitted yet")
    client.login("member2@sharaka.test")
    other = client.get("/councils/hebron/?lang=ar").get_data(as_text=True)
    assert "مسودة لم تقدم بعد" not in other and f"/priorities/{draft.id}" not in other
    client.logout()
    client.login("member1@sharaka.test")
    own = client.get("/councils/hebron/?lang=ar").get_data(as_text=True)
    assert "مسودة لم تقدم بعد" in own
