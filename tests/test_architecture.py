"""The one-way architecture (docs/architecture.md) stays one-way.

- import-linter's contracts (pyproject.toml, ``[tool.importlinter]``): the features in layers
  (citizen budget > budget simulator > budget cycles > priorities > council work), the core importing no feature,
  the tally engine importing nothing of the project;
- no import loop between modules (import-linter's graph, strongly connected components);
- no module over 700 lines, no function over 100;
- an import inside a function says why, in a comment (a heavy library loaded on first use is a
  good reason; dodging an import loop is not: there are none).

The exemptions are listed here, each with its reason; shrink them, never grow them.
"""
from __future__ import annotations

import ast
import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("budget_app", "councils", "priorities", "citizen_budget", "simulator")
MAX_MODULE_LINES = 700
MAX_FUNCTION_LINES = 100

# Modules and functions still over the limits: none (the budget cycles and the tally engine are split).
LONG_MODULES: set[str] = set()
LONG_FUNCTIONS: set[str] = set()
# Directories whose imports inside functions may go without a comment: none.
UNCOMMENTED_IMPORTS_ALLOWED_UNDER: tuple[str, ...] = ()
# The modules that are neither core nor a feature: they name every feature.
COMPOSITION = {"budget_app", "budget_app.demo_large"}


def _python_files():
    for package in PACKAGES:
        yield from sorted((ROOT / package).rglob("*.py"))


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _lint_imports() -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # this checkout, not whatever is installed
    code = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True, no_logo=True))"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_import_contracts_are_kept():
    result = _lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout, result.stdout


def test_the_core_contract_lists_every_core_module():
    """A new core module must be named in the contract, or it could import a feature unseen."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    core = next(c for c in config["contracts"] if c["name"].startswith("The core imports no feature"))
    listed = set(core["source_modules"])
    on_disk = {f"budget_app.{p.stem if p.is_file() else p.name}" for p in (ROOT / "budget_app").iterdir()
               if (p.suffix == ".py" and p.stem != "__init__") or (p.is_dir() and (p / "__init__.py").exists())}
    features_or_engine = {"budget_app.cycles", "budget_app.tally"}
    assert listed == on_disk - features_or_engine - COMPOSITION


def test_no_import_loops():
    sys.path.insert(0, str(ROOT))
    try:
        import grimp
        graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    finally:
        sys.path.remove(str(ROOT))
    edges = {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}
    loops = _strongly_connected(edges)
    assert not loops, "modules importing each other (directly or around a loop): " + "; ".join(
        " <-> ".join(sorted(loop)) for loop in loops)


def _strongly_connected(edges: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iterative; the components with more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(component)
    return found


def test_strongly_connected_finds_a_loop():
    """The loop finder itself: a three-module loop and a module outside it."""
    loops = _strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}})
    assert loops == [{"a", "b", "c"}]


def test_modules_and_functions_are_short():
    long_modules, long_functions = [], []
    for path in _python_files():
        source = path.read_text(encoding="utf-8")
        if source.count("\n") > MAX_MODULE_LINES and _rel(path) not in LONG_MODULES:
            long_modules.append(f"{_rel(path)} ({source.count(chr(10))} lines)")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES and f"{_rel(path)}:{node.name}" not in LONG_FUNCTIONS:
                    long_functions.append(f"{_rel(path)}:{node.name} ({length} lines)")
    assert not long_modules, f"modules over {MAX_MODULE_LINES} lines: {long_modules}"
    assert not long_functions, f"functions over {MAX_FUNCTION_LINES} lines: {long_functions}"


def _explained(lines: list[str], node: ast.stmt, run: list[ast.stmt]) -> bool:
    """A comment on the import's lines, or on the line above the run of consecutive import
    statements (``run``, blank lines allowed between them) that it belongs to."""
    if any("#" in line for line in lines[node.lineno - 1:node.end_lineno]):
        return True
    first = run[0].lineno
    return first >= 2 and lines[first - 2].strip().startswith("#")


def _import_runs(tree: ast.AST):
    """Every import inside a function, with the run of consecutive imports it belongs to."""
    for function in ast.walk(tree):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for block in ast.walk(function):
            for field in ("body", "orelse", "finalbody", "handlers"):
                statements = getattr(block, field, None)
                if not isinstance(statements, list):
                    continue
                run: list[ast.stmt] = []
                for statement in statements + [None]:
                    if isinstance(statement, (ast.Import, ast.ImportFrom)):
                        run.append(statement)
                        continue
                    for node in run:
                        yield node, run
                    run = []


def imports_inside_functions() -> list[tuple[str, int, bool]]:
    """(file, line, explained) of every import statement inside a function."""
    out = {}
    for path in _python_files():
        source = path.read_text(encoding="utf-8")
        lines = source.split("\n")
        for node, run in _import_runs(ast.parse(source)):
            out[(_rel(path), node.lineno)] = _explained(lines, node, run)
    return [(f, n, ok) for (f, n), ok in sorted(out.items())]


def test_imports_inside_functions_say_why():
    unexplained = [f"{f}:{n}" for f, n, ok in imports_inside_functions()
                   if not ok and not f.startswith(UNCOMMENTED_IMPORTS_ALLOWED_UNDER)]
    assert not unexplained, ("imports inside functions without a comment saying why (hoist them to the top "
                             "of the module, or say why not): " + ", ".join(unexplained))


def test_the_explanation_rule_reads_comments():
    lines = ["def f():", "    # Plotly is heavy: loaded on first use", "    import plotly", "    from x import (a,",
             "                   b)", "    import json", "    return 1"]
    runs = _import_runs(ast.parse("\n".join(lines)))
    found = sorted((node.lineno, _explained(lines, node, run)) for node, run in runs)
    assert found == [(3, True), (4, True), (6, True)]
    bare = ["def g():", "    x = 1", "    import json", "    return x"]
    assert [_explained(bare, n, r) for n, r in _import_runs(ast.parse("\n".join(bare)))] == [False]


# One transaction per request (budget_app/transaction.py): views never commit or roll back by hand,
# and services never end the request's transaction. Each exemption names why.
TRANSACTION_ENDERS = {
    "budget_app/transaction.py": "the mechanism itself: the request's single commit or rollback",
    "budget_app/errors.py": "the mechanism's refusal half: show_error/undo_refused and the error handlers "
                            "roll back the refused attempt",
}
COMMAND_MODULE = "cli.py"  # any feature's commands (flask ...): not requests, they commit themselves


def _is_view_module(path: Path, tree: ast.AST) -> bool:
    """A module of pages: named views.py or manage.py, in a views/ package, or defining a route."""
    rel = path.relative_to(ROOT)
    if path.name in ("views.py", "manage.py") or "views" in rel.parts[:-1]:
        return True
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for decorator in node.decorator_list:
                call = decorator.func if isinstance(decorator, ast.Call) else decorator
                if isinstance(call, ast.Attribute) and call.attr == "route":
                    return True
    return False


def transaction_calls(tree: ast.AST, *, request_session_only: bool = False) -> list[tuple[int, str]]:
    """(line, "commit" or "rollback") of every ``<something>.commit(...)`` / ``.rollback(...)`` call;
    with ``request_session_only``, only those of the request's session (``db.session``), not of a
    session a module opens for itself (the notification emails' after the commit)."""
    def on_request_session(func: ast.Attribute) -> bool:
        owner = func.value
        return (isinstance(owner, ast.Attribute) and owner.attr == "session"
                and isinstance(owner.value, ast.Name) and owner.value.id == "db")
    return sorted((node.lineno, node.func.attr) for node in ast.walk(tree)
                  if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and node.func.attr in ("commit", "rollback")
                  and (not request_session_only or on_request_session(node.func)))


def test_views_and_services_leave_the_transaction_to_the_request():
    """A view changes nothing of the transaction: it calls a service, catches a DomainError with
    ``show_error`` (or ``undo_refused``), and the request commits once (``transaction.finish``);
    the audit entry of a refusal is kept with ``keep_on_error``. A service flushes; a race is
    retried in a savepoint (``retry_on_conflict``), never by rolling back the whole request."""
    in_views, in_services = [], []
    for path in _python_files():
        rel = _rel(path)
        if rel in TRANSACTION_ENDERS or path.name == COMMAND_MODULE:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        view = _is_view_module(path, tree)
        found = [f"{rel}:{line} .{name}()" for line, name in transaction_calls(tree, request_session_only=not view)]
        (in_views if view else in_services).extend(found)
    assert not in_views, ("views commit or roll back by hand (leave it to the request; refusals: "
                          "raise DomainError, show_error, keep_on_error): " + ", ".join(in_views))
    assert not in_services, ("services end the request's transaction (flush instead; races: "
                             "transaction.retry_on_conflict): " + ", ".join(in_services))
    assert all((ROOT / rel).exists() for rel in TRANSACTION_ENDERS), "an exemption names a file that is gone"


def test_the_transaction_rule_finds_hand_commits():
    source = "\n".join(["@bp.route('/x', methods=['POST'])", "def x():", "    try:", "        work()",
                        "    except Error:", "        db.session.rollback()", "    db.session.commit()",
                        "    flush_only = db.session.flush()"])
    tree = ast.parse(source)
    assert transaction_calls(tree) == [(6, "rollback"), (7, "commit")]
    own = ast.parse("with Session(db.engine) as session:\n    session.commit()\ndb.session.rollback()\n")
    assert transaction_calls(own) == [(2, "commit"), (3, "rollback")]
    assert transaction_calls(own, request_session_only=True) == [(3, "rollback")]
    assert _is_view_module(ROOT / "councils" / "services.py", tree)
    assert not _is_view_module(ROOT / "councils" / "services.py", ast.parse("def f():\n    return 1\n"))
    assert _is_view_module(ROOT / "budget_app" / "cycles" / "views" / "common.py", ast.parse(""))
