"""Who may use the budget simulator's routes: the public pages are for everyone (results once
the simulation has closed; a notice before), the council's pages for its budget director."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from matrix import Route  # noqa: E402
from sim_testlib import balanced, make_simulation  # noqa: E402


def simulation(world):
    sim = make_simulation(world)
    return {"slug": "hebron", "sim_id": sim.id}


def with_submission(world):
    from budget_app.extensions import db
    from simulator import services

    sim = make_simulation(world)
    row = services.submit(sim, balanced(sim), address="192.0.2.9")
    db.session.commit()
    return {"slug": "hebron", "sim_id": sim.id, "token": row.token}


ROUTES = {
    "simulator.take_part": Route("public", params=simulation),
    "simulator.submission": Route("public", params=with_submission),
    "simulator.public_results": Route("public", params=simulation),
    "simulator_manage.simulations": Route("budget", params={"slug": "hebron"}),
    "simulator_manage.results": Route("budget", params=simulation),
    "simulator_manage.close": Route("budget", params=simulation),
    "simulator_manage.export": Route("budget", params=simulation),
    "simulator_manage.export_xlsx": Route("budget", params=simulation),
}
