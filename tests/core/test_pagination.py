"""Long lists are paginated (found by the crawl of the large data set, issue 9): the priorities
of a council, the users, the public receipts; the pager keeps the page's own URL values and
filters, and a hostile page number is bounded."""
from __future__ import annotations

import re


def _priorities(world, n):
    from budget_app.extensions import db
    from priorities.models import Priority
    db.session.execute(Priority.__table__.insert(), [
        {"council_id": world.hebron.id, "fiscal_year": 2025, "title_ar": f"أولوية {i}", "title_en": f"Need {i:03d}",
         "status": "submitted", "search_text": f"need {i}"} for i in range(n)])
    db.session.commit()


def _rows(html):
    body = html.split('id="priorities-table"', 1)[1].split("</table>", 1)[0]
    return len(re.findall(r"<tr\b", body.split("<tbody>", 1)[1]))


def test_priority_list_is_paginated_and_keeps_filters(world, client):
    _priorities(world, 120)
    client.login("member1@sharaka.test")
    first = client.get("/councils/hebron/priorities/?lang=en&year=2025").get_data(as_text=True)
    assert _rows(first) == 50
    assert "120 priorities found." in first
    assert re.search(r'href="/councils/hebron/priorities/\?[^"]*page=2', first)
    assert "year=2025" in re.search(r'href="(/councils/hebron/priorities/\?[^"]*page=2[^"]*)"', first).group(1)
    last = client.get("/councils/hebron/priorities/?year=2025&page=3").get_data(as_text=True)
    assert _rows(last) == 20 and "page=4" not in last
    assert client.get("/councils/hebron/priorities/?page=99999999999999999999").status_code == 200


def test_users_list_is_paginated(world, client, make_user):
    for i in range(60):
        make_user(f"user{i:02d}@sharaka.test")
    client.login("admin@sharaka.test")
    html = client.get("/admin/users?lang=en").get_data(as_text=True)
    assert html.count('href="/admin/users/') - html.count('href="/admin/users/new') == 50
    assert 'href="/admin/users?page=2"' in html
