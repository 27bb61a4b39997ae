"""Make the tally tests self-contained: repo root and this folder on sys.path.

No fixture from the project-level conftest is needed here.
"""
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
_ROOT = os.path.dirname(os.path.dirname(_HERE))
for _p in (_ROOT, _HERE):
    if _p not in sys.path:
        sys.path.insert(0, _p)

try:
    import budget_app  # noqa: F401
except ImportError:  # the web app's dependencies are missing: load only the (pure) tally package
    import types

    _stub = types.ModuleType("budget_app")
    _stub.__path__ = [os.path.join(_ROOT, "budget_app")]
    sys.modules["budget_app"] = _stub
