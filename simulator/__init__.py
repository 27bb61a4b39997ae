"""The budget simulator: a council's budget director opens a simulation of the coming year's
envelope; citizens (no login) divide it between the sectors; the council sees the results
beside last year's and its own allocation, and everyone sees them once it closes.

Blueprints: ``bp`` (public pages under /simulator/) and ``manage.bp`` (the director's pages
under /councils/<slug>/simulations/).
"""
from flask_babel import lazy_gettext as _l

from budget_app.features import CouncilTab, Feature
from simulator import manage  # noqa: F401  (its routes attach to its blueprint)
from simulator.views import bp

feature = Feature(
    "simulator",
    blueprints=(bp, manage.bp),
    models=("simulator.models",),
    seeders=((55, "simulator.demo:seed"),),
    tabs=(CouncilTab("simulator", "simulator_manage.simulations", _l("Budget simulator"), 82,
                     visible=lambda council, user: council.can_direct_budget(user)),),
    card_links="simulator.services:public_links",
    activity_actions={"simulation.open": _l("Budget simulation opened"),
                      "simulation.close": _l("Budget simulation closed")},
    activity_objects={"budget_simulation": "simulator.services:describe"},
)
