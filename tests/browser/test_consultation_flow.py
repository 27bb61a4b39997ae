"""A beneficiary's code ballot on a 360 px phone, in Arabic and in English (issue 13): the card's
QR address opens the ballot, the live points total works, the answer is sent and a receipt
shown; the same code a second time is refused with a clear message; the page fits the phone."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "consultations"))
from consult_testlib import make_consultation  # noqa: E402

WIDTH = 360
WORDS = {"ar": {"receipt": "احتُسبت إجابتكم", "used": "استُعمل هذا الرمز من قبل", "left": "3"},
         "en": {"receipt": "your answer is counted", "used": "already been used", "left": "3"}}


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_a_beneficiary_answers_with_a_code_on_a_phone(app, world, live_server, _browser, lang):
    from priorities.consultations.models import ConsultationAnswer

    consultation, plain = make_consultation(world, codes=2)
    ids = [p.id for p in consultation.priorities]
    context = _browser.new_context(viewport={"width": WIDTH, "height": 740}, has_touch=True, locale=lang)
    context.set_default_timeout(20000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(f"{live_server}/C/{plain[0]}?lang={lang}")
        assert page.get_attribute("html", "dir") == ("rtl" if lang == "ar" else "ltr")
        assert page.locator("#consult-ballot").is_visible()
        page.fill(f"#p-{ids[0]}", "4")
        page.fill(f"#p-{ids[1]}", "3")
        assert page.inner_text("#points-left").strip() in ("3", "٣")  # the live total, 10 − 7
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= WIDTH, f"the ballot is {width} px wide at {WIDTH} px"
        page.screenshot(path=f"/tmp/sharaka-consultation-360-{lang}.png", full_page=True)
        page.click("#consult-ballot button[type=submit]")
        page.wait_for_url("**/consult/receipt/**")
        assert WORDS[lang]["receipt"] in page.inner_text("main")
        assert page.locator("#receipt strong").inner_text().strip()
        assert page.evaluate("() => document.documentElement.scrollWidth") <= WIDTH

        # The same card again (typed by hand, lower case with spaces): refused, clearly.
        page.goto(f"{live_server}/consult/?lang={lang}")
        page.fill("#code", " ".join((plain[0][:4], plain[0][4:8], plain[0][8:])).lower())
        page.click(".consult-code-form button[type=submit]")
        page.wait_for_selector("#code-error")
        assert WORDS[lang]["used"] in page.inner_text("#code-error")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= WIDTH
        assert not errors, errors
    finally:
        context.close()
    assert ConsultationAnswer.query.count() == 1
