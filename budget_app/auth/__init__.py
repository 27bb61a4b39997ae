"""Accounts: log in, log out, set and change password, language and profile."""
from budget_app.features import Feature
from budget_app.auth.views import bp


feature = Feature("auth", blueprints=(bp,))
