"""The refusals of the budget cycles (a leaf module: the methods, rules and services all raise them)."""
from budget_app.errors import DomainError


class CycleError(DomainError):
    """An action refused for a reason the user should read."""


class FrozenError(CycleError):
    """A change to a cycle's rules or proposals after voting opened."""
