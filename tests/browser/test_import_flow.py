"""Proposal import in a real browser on a 360 px phone, in Arabic and English: the problems of a
refused file listed per row and column in the page's language, then a re-import previewed
(old → new) and applied on confirmation. Pages never wider than the screen. Screenshots are
kept when SHOTS_DIR is set (for looking at them)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from browser_helpers import login

sys.path.insert(0, str(Path(__file__).parent.parent / "cycles"))
from cycles_testlib import make_cycle  # noqa: E402

TEXTS = {
    "ar": {"import": "استيراد المقترحات من Excel أو CSV", "problem": "هذه القيمة إلزامية.", "preview": "راجع التغييرات قبل الاستيراد",
           "apply": "طبّق هذه التغييرات", "done": "اكتمل الاستيراد"},
    "en": {"import": "Import proposals from Excel or CSV", "problem": "This value is required.",
           "preview": "Check the changes before importing", "apply": "Apply these changes", "done": "Import done"},
}


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"page is {width}px wide on {page.url}"


def _shot(page, name: str) -> None:
    out = os.environ.get("SHOTS_DIR")
    if out:
        Path(out).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(out) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_import_errors_preview_and_confirm_on_a_phone(live_server, browser_page, world, tmp_path, lang):
    from budget_app.cycles.models import AllocationProposal
    from budget_app.extensions import db

    cycle = make_cycle(world)
    page = browser_page
    page.set_viewport_size({"width": 360, "height": 780})
    words = TEXTS[lang]
    login(page, live_server, "director@sharaka.test", lang=lang)
    page.goto(f"{live_server}/councils/hebron/cycles/{cycle.id}/")
    page.click(f"text={words['import']}")
    _fits(page)

    bad = tmp_path / "bad.csv"
    bad.write_text("Budget-line code,Title (Arabic),Cost,Locality\nP01,,450000,nablus-city\nN01,جديد,abc,\n",
                   encoding="utf-8")
    page.set_input_files("input[type=file]", str(bad))
    page.click("main form button[type=submit]")
    errors = page.inner_text(".import-errors")
    assert words["problem"] in errors
    assert "abc" in errors
    rows = page.locator(".import-errors tbody tr")
    assert rows.count() == 3  # row 2: title and locality; row 3: cost — all in one pass
    _fits(page)
    _shot(page, f"import-errors-{lang}-360")

    good = tmp_path / "good.csv"
    good.write_text("Budget-line code,Title (Arabic),Title (English),Cost,Locality\n"
                    "P01,مركز نهاري لكبار السن في يطا,Day centre for the elderly in Yatta,450000,yatta\n"
                    "P02,حضانة في يطا,Nursery in Yatta,300000,yatta\nN01,مقترح جديد,New proposal,1000,dura\n",
                    encoding="utf-8")
    page.set_input_files("input[type=file]", str(good))
    page.click("main form button[type=submit]")
    assert words["preview"] in page.inner_text("h1")
    assert page.locator(".change-card").count() == 2
    _fits(page)
    _shot(page, f"import-preview-{lang}-360")
    db.session.rollback()
    assert AllocationProposal.query.filter_by(cycle_id=cycle.id, code="N01").count() == 0

    page.click(f"button:has-text('{words['apply']}')")
    page.wait_for_url(f"**/cycles/{cycle.id}/")
    assert words["done"] in page.inner_text(".flashes")
    db.session.rollback()
    assert AllocationProposal.query.filter_by(cycle_id=cycle.id, code="P01").one().cost_minor == 450_000_00
    assert AllocationProposal.query.filter_by(cycle_id=cycle.id, code="N01").count() == 1
