#!/usr/bin/env python3
"""Time `flask pb import` of a Pabulib file into a fresh SQLite (or DATABASE_URL) database.

    python benchmarks/pb_import.py /path/to/Poland_Warszawa_2024.pb

Prints the wall-clock time of the import alone (migrations and demo core loaded first).
"""
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
flask = [str(Path(sys.executable).parent / "flask"), "--app", "budget_app"]


def main(path: str) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="sharaka-pb-"))
    env = {**os.environ, "SHARAKA_INSTANCE_PATH": str(tmp), "SECRET_KEY": "bench"}
    env.setdefault("DATABASE_URL", "sqlite:///" + str(tmp / "bench.db"))
    for cmd in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run(flask + cmd, env=env, cwd=ROOT, check=True, capture_output=True)
    started = time.perf_counter()
    result = subprocess.run(flask + ["pb", "import", path, "--council", "hebron", "--year", "2024"],
                            env=env, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    print(result.stdout.strip() or result.stderr.strip())
    print(f"pb import of {Path(path).name}: {elapsed:.1f} s (including the flask process start)")


if __name__ == "__main__":
    main(sys.argv[1])
