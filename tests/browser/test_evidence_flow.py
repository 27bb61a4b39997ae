"""Evidence in a real browser on a 360 px phone, in Arabic and in English: a member attaches a
photo to their priority, is first asked for its alt text, then sees the thumbnail with it, opens
the web size, and a file disguised as a photo is refused with nothing shown."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from browser_helpers import login

sys.path.insert(0, str(Path(__file__).parent.parent / "priorities"))
from priority_factories import make_priority  # noqa: E402
from upload_files import HTML, photo  # noqa: E402

TEXT = {
    "ar": {"alt": "صف الصورة ببضع كلمات", "attached": "أُرفق الملف بالأولوية.", "html": "شيفرة صفحة ويب",
           "alt_ar": "أطفال في ساحة المركز المقترح", "alt_en": "Children in the yard of the proposed centre"},
    "en": {"alt": "Describe the photo in a few words", "attached": "The file is attached to the priority.",
           "html": "web-page code", "alt_ar": "أطفال في ساحة المركز المقترح",
           "alt_en": "Children in the yard of the proposed centre"},
}


@pytest.fixture
def phone(_browser):
    context = _browser.new_context(viewport={"width": 360, "height": 780}, locale="ar")
    context.set_default_timeout(15000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda dialog: dialog.accept())
    page.js_errors = errors
    yield page
    context.close()


def _fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"page is {width}px wide on {page.url}"


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_member_attaches_a_photo_with_alt_text_on_a_phone(live_server, phone, world, lang, tmp_path):
    page, t = phone, TEXT[lang]
    priority = make_priority(world.hebron, world.users["member4"], title="مركز لذوي الإعاقة في الظاهرية")
    picture = tmp_path / "site.jpg"
    picture.write_bytes(photo("JPEG", (1200, 900), gps=True))
    disguised = tmp_path / "holiday.jpg"
    disguised.write_bytes(HTML)

    login(page, live_server, "member4@sharaka.test", lang=lang)
    page.goto(f"{live_server}/councils/hebron/priorities/{priority.id}/")
    form = page.locator("#evidence form.attachment-form")
    form.locator("input[type=file]").set_input_files(str(picture))
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("domcontentloaded")
    assert t["alt"] in page.inner_text("#evidence")  # no alt text: asked for it, nothing attached
    assert page.locator("#evidence .attachment-photos img").count() == 0
    _fits(page)

    form = page.locator("#evidence form.attachment-form")
    form.locator("input[type=file]").set_input_files(str(picture))
    form.locator("input[name='evidence-alt_text_ar']").fill(t["alt_ar"])
    form.locator("input[name='evidence-alt_text_en']").fill(t["alt_en"])
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/priorities/*/#evidence")
    assert t["attached"] in page.inner_text("main")
    image = page.locator("#evidence .attachment-photos img")
    assert image.count() == 1
    assert image.get_attribute("alt") == (t["alt_ar"] if lang == "ar" else t["alt_en"])
    page.wait_for_function("document.querySelector('#evidence .attachment-photos img').naturalWidth > 0")
    assert page.evaluate("document.querySelector('#evidence .attachment-photos img').naturalWidth") == 320
    _fits(page)

    # A file disguised as a photo is refused, with its reason, and no second picture appears.
    form = page.locator("#evidence form.attachment-form")
    form.locator("input[type=file]").set_input_files(str(disguised))
    form.locator("input[name='evidence-alt_text_ar']").fill(t["alt_ar"])
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("domcontentloaded")
    assert t["html"] in page.inner_text("#evidence")
    assert page.locator("#evidence .attachment-photos img").count() == 1

    # The thumbnail links to the web size, served as an image.
    href = page.locator("#evidence .attachment-photos a").get_attribute("href")
    response = page.request.get(f"{live_server}{href}")
    assert response.status == 200 and response.headers["content-type"] == "image/jpeg"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert b"Exif" not in response.body()
    assert page.js_errors == []
