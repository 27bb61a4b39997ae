"""Who may use the citizen-budget routes.

The citizen budget, its open data, the feedback form and the API are public (published
versions only). Execution tracking, texts and publishing are the budget director's; feedback
moderation is the coordinator's."""
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from cb_testlib import approved_cycle, funded, publish_snapshot  # noqa: E402
from matrix import LOGIN, OK, Route  # noqa: E402


def published(**extra):
    def params(world):
        publish_snapshot(world.hebron)
        return {"slug": "hebron", "year": 2026, **extra}
    return params


def version(**extra):
    return published(number=1, **extra)


def real_version(**extra):
    """Version 1 built from a real approved cycle (its snapshot holds the fairness report)."""
    def params(world):
        from budget_app.extensions import db
        from citizen_budget import services
        approved_cycle(world, year=2026)
        services.publish_version(world.hebron, 2026)
        db.session.commit()
        return {"slug": "hebron", "year": 2026, "number": 1, **extra}
    return params


def cycle(world):
    c = approved_cycle(world, year=2026)
    return {"slug": "hebron", "cycle_id": c.id}


def allocation(world):
    c = approved_cycle(world, year=2026)
    return {"slug": "hebron", "cycle_id": c.id, "proposal_id": funded(c, "P01").id}


def with_milestone(world):
    from budget_app.extensions import db
    from budget_app.cycles.execution import services

    c = approved_cycle(world, year=2026)
    m = services.save_milestone(c, funded(c, "P01"), None, title_ar="مناقصة", status="planned")
    db.session.commit()
    return {"slug": "hebron", "cycle_id": c.id, "proposal_id": funded(c, "P01").id, "milestone_id": m.id}


def with_milestone_photo(world):
    from budget_app.cycles.execution.evidence import OWNER
    from budget_app.cycles.execution.models import Milestone
    from budget_app.extensions import db
    from budget_app.uploads import services as uploads
    from upload_files import photo

    params = with_milestone(world)
    a = uploads.attach(OWNER, db.session.get(Milestone, params["milestone_id"]), data=photo("PNG", (40, 30)),
                       filename="p.png", user=None, alt_text_ar="صورة")
    db.session.commit()
    return {**params, "attachment_id": a.id}


def with_spending(world):
    from budget_app.extensions import db
    from budget_app.cycles.execution import services

    c = approved_cycle(world, year=2026)
    e = services.record_spending(c, funded(c, "P01"), None, amount_minor=100_00, spent_on=date(2026, 2, 1))
    db.session.commit()
    return {"slug": "hebron", "cycle_id": c.id, "entry_id": e.id}


def year(world):
    approved_cycle(world, year=2026)
    return {"slug": "hebron", "year": 2026}


def with_feedback(world):
    from budget_app.extensions import db
    from citizen_budget.models import Feedback

    row = Feedback(council_id=world.hebron.id, fiscal_year=2026, body="A message from a citizen")
    db.session.add(row)
    db.session.commit()
    return {"slug": "hebron", "feedback_id": row.id}


# The director deletes the object first; the administrator, who comes next, finds it gone.
DELETED_BY_DIRECTOR = {"anonymous": LOGIN, "outsider": 404, "member": 403, "coordinator": 403, "director": OK,
                       "reviewer": 403, "admin": 404}
MILESTONE = {"title_ar": "افتتاح", "status": "planned"}

ROUTES = {
    "citizen_budget.index": Route("public"),
    "citizen_budget.page": Route("public", params=published()),
    "citizen_budget.version_page": Route("public", params=version()),
    "citizen_budget.allocation_record": Route("public", params=published(code="P01")),
    "citizen_budget.version_allocation_record": Route("public", params=version(code="P01")),
    "citizen_budget.download_data": Route("public", params=version(fmt="xlsx")),
    "citizen_budget.datapackage": Route("public", params=version()),
    "citizen_budget.datapackage_csv": Route("public", params=version()),
    "citizen_budget.download_report": Route("public", params=real_version(table="margins", fmt="csv")),
    "citizen_budget.datapackage_zip": Route("public", params=version()),
    "citizen_budget.feedback": Route("public", params=published()),
    "api.openapi": Route("public"),
    "api.councils": Route("public"),
    "api.council": Route("public", params={"slug": "hebron"}),
    "api.citizen_budgets": Route("public"),
    "api.citizen_budget": Route("public", params=published()),
    "api.citizen_budget_version": Route("public", params=version()),
    "api.allocations": Route("public", params=published()),
    "api.allocation_record": Route("public", params=published(code="P01")),
    "api.execution": Route("public", params=published()),
    "api.cycle_results": Route("public", params=lambda world: (approved_cycle(world, year=2026),
                                                              {"slug": "hebron", "year": 2026})[1]),
    "execution.overview": Route("budget", params=cycle),
    "execution.allocation": Route("budget", params=allocation),
    "execution.progress": Route("budget", params=allocation, data={"progress_pct": "50"}),
    "execution.milestone": Route("budget", params=with_milestone, data=MILESTONE),
    "execution.milestone_delete": Route(DELETED_BY_DIRECTOR, params=with_milestone),
    # Posted without a file: the form is refused (400) for the director and the administrator.
    "execution.milestone_evidence_add": Route("budget", params=with_milestone),
    "execution.milestone_evidence_delete": Route(DELETED_BY_DIRECTOR, params=with_milestone_photo),
    "execution.spending_delete": Route(DELETED_BY_DIRECTOR, params=with_spending),
    "execution.spending_import": Route("budget", params=cycle),
    "execution.spending_template": Route("budget", params=lambda w: {**cycle(w), "fmt": "csv"}),
    "citizen_budget_manage.budgets": Route("budget", params={"slug": "hebron"}),
    "citizen_budget_manage.edit": Route("budget", params=year),
    "citizen_budget_manage.preview": Route("budget", params=year),
    "citizen_budget_manage.publish": Route("budget", params=year),
    "citizen_budget_manage.feedback": Route("manage", params={"slug": "hebron"}),
    "citizen_budget_manage.moderate": Route("manage", params=with_feedback, data={"action": "publish"}),
}
