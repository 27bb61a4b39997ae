"""Every module that defines tables, imported once so the metadata is complete
(for Alembic autogenerate and for the tests' schema). Add new model modules here."""
import importlib

MODEL_MODULES = [
    "budget_app.auth.models",
    "budget_app.audit",
    "budget_app.reference.models",
    "councils.models",
    "priorities.models",
    "budget_app.cycles.models",
    "citizen_budget.models",
]


def import_all() -> None:
    for name in MODEL_MODULES:
        importlib.import_module(name)
