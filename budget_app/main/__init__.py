"""Home page, personal dashboard and health check."""
from budget_app.features import Feature
from budget_app.main.views import bp


feature = Feature("main", blueprints=(bp,))
