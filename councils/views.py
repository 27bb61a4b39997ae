from __future__ import annotations

from flask import render_template

from budget_app.permissions import get_council_or_404
from councils import bp


@bp.route("/<slug>/")
def council_home(slug: str):
    council = get_council_or_404(slug)
    members = sorted(council.memberships, key=lambda m: (m.organization_type, m.organization_name))
    return render_template("councils/home.html", council=council, members=members)
