"""``python -m budget_app.tally`` prints what ``flask pb tally`` prints, without Flask."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from budget_app.tally.__main__ import main

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
FILES = sorted(p.name for p in DATA.glob("*.pb"))
VARIANTS = [["--rule", "greedy"], ["--rule", "mes", "--json"], ["--rule", "mes-add1", "--completion"],
            ["--rule", "phragmen", "--json"], ["--rule", "mes", "--json", "--explain"], ["--rule", "greedy", "--explain"]]


@pytest.mark.parametrize("name", FILES)
def test_same_output_as_pb_tally(runner, capsys, name):
    assert len(FILES) >= 6
    for args in VARIANTS:
        flask_out = runner.invoke(args=["pb", "tally", str(DATA / name), *args])
        code = main([str(DATA / name), *args])
        printed = capsys.readouterr()
        assert code == flask_out.exit_code, (name, args, flask_out.output)
        # Phragmén refuses points ballots: the same error, on standard error
        assert (printed.out if code == 0 else printed.err) == flask_out.output, (name, args)


def test_errors_are_the_same(runner, capsys, tmp_path):
    path = tmp_path / "bad.pb"
    path.write_text("META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;abc\n"
                    "VOTES\nvoter_id;vote\n1;1\n")
    flask_out = runner.invoke(args=["pb", "tally", str(path)])
    assert flask_out.exit_code == 1 and "line 7" in flask_out.output
    assert main([str(path)]) == 1
    assert capsys.readouterr().err == flask_out.output  # "Error: <file>: line 7 …"


def test_runs_as_a_module_without_flask(tmp_path):
    path = DATA / "Poland_Swiecie_2023.pb"
    code = ("import runpy, sys\nsys.argv = ['budget_app.tally', sys.argv[1], '--rule', 'mes', '--json']\n"
            "try:\n    runpy.run_module('budget_app.tally', run_name='__main__', alter_sys=True)\n"
            "except SystemExit as exit:\n    assert exit.code == 0, exit.code\n"
            "print(sorted(m for m in ('flask', 'sqlalchemy', 'jinja2', 'werkzeug') if m in sys.modules), file=sys.stderr)\n")
    out = subprocess.run([sys.executable, "-c", code, str(path)], cwd=ROOT, capture_output=True, text=True,
                         timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr
    assert out.stderr.strip() == "[]"
    from budget_app.tally import tally_file
    assert json.loads(out.stdout) == json.loads(json.dumps(tally_file(path, "mes")))
    plain = subprocess.run([sys.executable, "-m", "budget_app.tally", str(path), "--rule", "greedy"], cwd=ROOT,
                           capture_output=True, text=True, timeout=120)
    assert plain.returncode == 0 and plain.stdout.split() == tally_file(path, "greedy")["selected"]
