"""Administration: users and their council roles, councils, reference lists, the audit log."""
from budget_app import audit_words
from budget_app.admin.views import bp
from budget_app.features import Feature

audit_words.register()

feature = Feature("admin", blueprints=(bp,))
