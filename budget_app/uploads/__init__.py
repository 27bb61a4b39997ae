"""Photos and documents attached to the platform's objects (evidence of priorities, milestones).

``checks`` decides what a file is by its content; ``storage`` keeps the bytes outside the web
root in step with the transaction; ``services`` attaches and removes; ``views`` serves a file to
whoever may see the object it belongs to; ``owners`` is how features declare those objects.
"""
from budget_app.features import Feature
from budget_app.uploads.views import bp

feature = Feature("uploads", blueprints=(bp,), models=("budget_app.uploads.models",))
