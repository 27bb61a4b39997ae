"""A lean start-up: creating the app loads none of the libraries that only some requests need.

pandas, openpyxl and Plotly are imported by the downloads and charts that use them, NumPy by
the first tally, Alembic (through Flask-Migrate) by ``flask db``. Each is checked in a fresh
interpreter, since this test process has imported all of them already.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pandas", "openpyxl", "plotly", "numpy", "alembic", "flask_migrate", "pabutools", "frictionless",
         "babel.messages.frontend", "gmpy2")


def _modules_after(code: str, tmp_path) -> dict:
    env = {**os.environ, "SHARAKA_INSTANCE_PATH": str(tmp_path / "instance"),
           "DATABASE_URL": "sqlite:///" + str(tmp_path / "startup.db")}
    script = code + f"\nimport json, sys\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_creating_the_app_imports_no_heavy_library(tmp_path):
    loaded = _modules_after("from budget_app import create_app\ncreate_app()", tmp_path)
    assert loaded == [], f"create_app() imported {loaded}: import them inside the functions that use them"


def test_the_command_line_lists_its_commands_without_heavy_libraries(tmp_path):
    code = ("from flask.cli import FlaskGroup\nfrom budget_app import create_app\n"
            "cli = FlaskGroup(create_app=lambda: create_app())\n"
            "try:\n    cli.main(['pb', '--help'], standalone_mode=False)\nexcept SystemExit:\n    pass\n")
    assert _modules_after(code, tmp_path) == []


def test_a_tally_loads_numpy_only_then(tmp_path):
    loaded = _modules_after("import budget_app.tally as t\nfrom budget_app.tally import RULES\n"
                            "assert RULES and t.parse_pb", tmp_path)
    assert loaded == ["numpy"]


def test_a_greedy_recount_loads_no_exact_rationals_library(tmp_path):
    """gmpy2 (40-80 ms to import) serves the exact steps of MES and Phragmén, not greedy."""
    code = ("from budget_app.tally.command import tally_output\n"
            f"print(tally_output({str(ROOT / 'tests/data/Poland_Swiecie_2023.pb')!r}, 'greedy'))")
    assert _modules_after(code, tmp_path) == ["numpy"]
    code = code.replace("'greedy'", "'mes'")
    assert _modules_after(code, tmp_path) == ["numpy", "gmpy2"]


def test_flask_db_is_listed_and_loads_flask_migrate_when_run(app, runner):
    from budget_app.extensions import db

    result = runner.invoke(args=["--help"])
    assert "db" in result.output.split()
    result = runner.invoke(args=["db", "--help"])
    assert result.exit_code == 0, result.output
    assert "upgrade" in result.output and "downgrade" in result.output
    assert app.extensions["migrate"].db is db
    from flask_migrate import _MigrateConfig
    assert isinstance(app.extensions["migrate"], _MigrateConfig)
    assert app.extensions["migrate"].configure_args["render_as_batch"] is True


def test_migrate_config_loads_on_first_read(app):
    from flask_migrate import _MigrateConfig

    from budget_app import ROOT as APP_ROOT
    from budget_app.extensions import db

    config = app.extensions["migrate"]
    assert config.directory == str(APP_ROOT / "migrations")  # read through the deferred object
    assert isinstance(app.extensions["migrate"], _MigrateConfig) and app.extensions["migrate"].db is db


def test_url_builders_are_compiled_by_the_first_url_for_that_needs_them(app):
    """Werkzeug compiles two builder functions per URL rule (two thirds of ``create_app()``);
    here they are made on first use, and then build the same URLs as Werkzeug's own rules."""
    from flask import url_for
    from werkzeug.routing import Map, Rule

    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"}  # Flask's own
    compiled = [e for e, rule in rules.items() if rule._build.__name__ != "build_first"]
    assert len(rules) > 100 and not compiled
    with app.test_request_context("/"):
        url = url_for("cycles.results", slug="hebron", cycle_id=7, lang="en")  # an argument not in the rule
        assert rules["cycles.results"]._build_unknown.__name__ != "build_first"
        assert url_for("cycles.results", slug="hebron", cycle_id=7) == "/councils/hebron/cycles/7/results"
        assert url_for("cycles.results", slug="hebron", cycle_id=8, lang="ar").endswith("/8/results?lang=ar")
    assert url == "/councils/hebron/cycles/7/results?lang=en"
    assert rules["main.dashboard"]._build.__name__ == "build_first"

    rule = rules["cycles.results"]
    assert rule._build.__name__ == "build_first"  # without extra arguments: not used yet
    assert rule.build({"slug": "hebron", "cycle_id": 7}, append_unknown=False) == ("", "/councils/hebron/cycles/7/results")
    assert rule._build.__name__ != "build_first"
    plain = Map([Rule("/councils/<slug>/cycles/<int:cycle_id>/results", endpoint="r")]).bind("localhost")
    assert plain.build("r", {"slug": "hebron", "cycle_id": 7, "lang": "en"}) == url


def test_a_recount_on_the_command_line_does_not_create_the_app(tmp_path):
    """``flask pb`` is also a Flask command plugin (pyproject's ``flask.commands`` entry point), so
    ``pb tally`` answers without ``create_app()``: here ``--app`` names a module that does not
    exist, and the recount still prints what ``python -m budget_app.tally`` prints."""
    from budget_app.tally.command import tally_output

    path = str(ROOT / "tests/data/Poland_Swiecie_2023.pb")
    env = {**os.environ, "SHARAKA_INSTANCE_PATH": str(tmp_path / "instance")}
    out = subprocess.run([sys.executable, "-m", "flask", "--app", "no_such_module_here", "pb", "tally", path,
                          "--rule", "mes", "--json"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == tally_output(path, "mes", as_json=True)
    listed = subprocess.run([sys.executable, "-m", "flask", "--app", "budget_app", "pb", "--help"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr
    assert all(name in listed.stdout.split() for name in ("analyse", "export", "import", "tally"))
