"""Correct Arabic: one translation per English text and context, Arabic plural forms, catalogs
compiled at start.

The five per-package catalogs were merged into one; where two packages had translated one
English text differently, a ``pgettext`` context now keeps each place's own wording.
"""
from __future__ import annotations

import re
import shutil
import sys
from collections import Counter
from pathlib import Path

import pytest

from helpers import page_text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "citizen_budget"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "councils"))


def _po_entries(path: Path) -> list[tuple[str | None, str]]:
    """(msgctxt, msgid) of every entry, read from the raw text so duplicates are not merged away."""
    entries, ctx, lines = [], None, path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("msgctxt "):
            ctx = line[8:].strip('"')
        elif line.startswith("msgid "):
            parts = [line[6:].strip('"')]
            while i + 1 < len(lines) and lines[i + 1].startswith('"'):
                i += 1
                parts.append(lines[i].strip('"'))
            entries.append((ctx, "".join(parts)))
            ctx = None
        i += 1
    return entries


def test_catalog_has_each_english_text_once_per_context():
    from budget_app.i18n_catalogs import po_path
    counts = Counter(_po_entries(po_path("ar")))
    duplicates = [key for key, n in counts.items() if n > 1]
    assert not duplicates, duplicates
    assert len(counts) > 1000


# English texts whose Arabic depends on the place: (context, msgid) -> expected Arabic, next to the
# same msgid without context, which must read differently.
DIFFERENT_MEANINGS = {
    ("citizen budget", "Envelope"): "السقف المالي",
    ("recommendation", "Done"): "منجزة",
    ("recommendation", "Due date"): "الموعد النهائي",
    ("ranking round", "Closed"): "مغلقة",
    ("ranking round", "Score"): "النقاط",
    ("count", "Number"): "العدد",
    ("delete", "Remove"): "حذف",
    ("citizen budget", "Greedy by votes"): "الترتيب حسب عدد الأصوات",
}


def test_each_meaning_has_its_own_arabic():
    from budget_app.i18n_catalogs import load
    catalog = load("ar")
    for (context, msgid), arabic in DIFFERENT_MEANINGS.items():
        with_context, plain = catalog.get(msgid, context=context), catalog.get(msgid)
        assert with_context is not None and with_context.string == arabic, (context, msgid)
        assert plain is not None and plain.string and plain.string != arabic, msgid


@pytest.fixture
def _fresh_caches():
    from citizen_budget import render
    for cache in (render.SNAPSHOTS, render.BODIES, render.PAGES):
        cache.clear()


def test_citizen_page_says_spending_ceiling_for_envelope(client, world, _fresh_caches):
    from cb_testlib import publish_snapshot
    publish_snapshot(world.hebron)
    text = page_text(client.get("/citizen-budget/hebron/2026/"))
    assert "السقف المالي" in text
    assert "المخصص الإجمالي" not in text
    cycles_text = page_text(client.get("/citizen-budget/hebron/2026/?lang=en"))
    assert "Envelope" in cycles_text


def test_done_recommendations_are_feminine(client, world):
    from council_work_factories import make_meeting, make_recommendation
    from budget_app.extensions import db
    make_recommendation(make_meeting(world.hebron), text="اعتماد خطة الزيارات", status="done")
    db.session.commit()
    client.login("coordinator@sharaka.test")
    text = page_text(client.get("/councils/hebron/recommendations/?lang=ar"))
    assert "اعتماد خطة الزيارات" in text
    assert "منجزة" in text


def test_closed_ranking_round_and_milestone_due_date_keep_their_wording(app):
    from flask_babel import gettext, pgettext
    with app.app_context(), app.test_request_context("/?lang=ar"):
        assert pgettext("ranking round", "Closed") == "مغلقة"
        assert gettext("Closed") == "مُغلق"  # a budget cycle's phase
        assert gettext("Due date") == "الموعد المستهدف"  # a milestone
        assert pgettext("recommendation", "Due date") == "الموعد النهائي"


PLURAL_COUNTS = (0, 1, 2, 5, 11, 100)


@pytest.mark.parametrize("singular, plural, expected", [
    ("allocated to %(num)s activity", "allocated to %(num)s activities",
     ["لم تُخصَّص لأي نشاط", "مخصّصة لنشاط واحد", "مخصّصة لنشاطين", "مخصّصة لـ 5 أنشطة",
      "مخصّصة لـ 11 نشاطًا", "مخصّصة لـ 100 نشاط"]),
    ("from %(num)s organization", "from %(num)s organizations",
     ["من 0 مؤسسة", "من مؤسسة واحدة", "من مؤسستين", "من 5 مؤسسات", "من 11 مؤسسة", "من 100 مؤسسة"]),
    ("council member", "council members",
     ["عضو في المجلس", "عضو في المجلس", "عضوان في المجلس", "أعضاء في المجلس", "عضوًا في المجلس",
      "عضو في المجلس"]),
    ("%(num)s paper ballot entered.", "%(num)s paper ballots entered.",
     ["لم تُدخل أي ورقة اقتراع.", "أُدخلت ورقة اقتراع واحدة.", "أُدخلت ورقتا اقتراع.", "أُدخلت 5 أوراق اقتراع.",
      "أُدخلت 11 ورقة اقتراع.", "أُدخلت 100 ورقة اقتراع."]),
    ("%(num)s priority found.", "%(num)s priorities found.",
     ["لم توجد أي أولوية.", "وُجدت أولوية واحدة.", "وُجدت أولويتان.", "وُجدت 5 أولويات.", "وُجدت 11 أولوية.",
      "وُجدت 100 أولوية."]),
])
def test_arabic_plural_forms(app, singular, plural, expected):
    template = app.jinja_env.from_string("{{ ngettext(singular, plural, n, num=format_number(n)) }}")
    with app.app_context(), app.test_request_context("/?lang=ar"):
        got = [template.render(singular=singular, plural=plural, n=n) for n in PLURAL_COUNTS]
    assert got == expected
    with app.app_context(), app.test_request_context("/?lang=en"):
        assert template.render(singular=singular, plural=plural, n=1) == singular.replace("%(num)s", "1")
        assert template.render(singular=singular, plural=plural, n=5) == plural.replace("%(num)s", "5")


def test_messages_from_python_use_plural_forms(app):
    from budget_app.auth.passwords import MIN_LENGTH, password_problem
    from budget_app.cycles.execution.imports import ImportFailed
    with app.app_context(), app.test_request_context("/?lang=ar"):
        assert MIN_LENGTH == 8 and password_problem("ab") == "يجب ألا تقل كلمة المرور عن 8 أحرف."
        assert "مشكلة واحدة" in ImportFailed([object()]).message
        assert "مشكلتان" in ImportFailed([object()] * 2).message
        assert "11 مشكلة" in ImportFailed([object()] * 11).message


def test_citizen_page_counts_agree_with_their_nouns(client, world, _fresh_caches):
    from cb_testlib import publish_snapshot
    publish_snapshot(world.hebron)
    text = page_text(client.get("/citizen-budget/hebron/2026/"))
    assert "مخصّصة لـ 3 أنشطة" in text  # was "مخصّصة لـ 3 نشاطًا"
    assert "11 عضوًا في المجلس من 10 مؤسسات" in text  # was "... من 10 مؤسسة"
    assert "6 لقاءات عُقدت" in text
    assert "21 ورقة اقتراع" in text
    assert "(80 شخصًا)" in text and "(200 شخص)" in text
    english = page_text(client.get("/citizen-budget/hebron/2026/?lang=en"))
    assert "allocated to 3 activities" in english and "11 council members from 10 organizations" in english


# --- the catalog compiled at start, or a clear refusal ---------------------------------------

def _copy_translations(tmp_path: Path, *, with_mo: bool, with_po: bool = True) -> Path:
    from budget_app.i18n_catalogs import TRANSLATIONS
    target = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, target, ignore=shutil.ignore_patterns(*([] if with_mo else ["*.mo"])))
    if not with_po:
        (target / "ar" / "LC_MESSAGES" / "messages.po").unlink()
    return target


def test_app_compiles_a_missing_catalog_at_start(tmp_path, monkeypatch, _schema):
    from budget_app import create_app, i18n_catalogs
    from helpers import app_config
    translations = _copy_translations(tmp_path, with_mo=False)
    mo = translations / "ar" / "LC_MESSAGES" / "messages.mo"
    assert not mo.exists()
    monkeypatch.setattr(i18n_catalogs, "TRANSLATIONS", translations)
    monkeypatch.setenv("SHARAKA_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(app_config(_schema))
    assert mo.exists() and mo.stat().st_size > 10_000
    assert app.config["BABEL_TRANSLATION_DIRECTORIES"] == str(translations)
    from flask_babel import gettext
    with app.app_context(), app.test_request_context("/?lang=ar"):
        assert gettext("Citizen budget %(year)s", year=2026) == "موازنة المواطن 2026"


def test_app_refuses_to_start_without_the_arabic_catalog(tmp_path, monkeypatch, _schema):
    from budget_app import create_app, i18n_catalogs
    from helpers import app_config
    translations = _copy_translations(tmp_path, with_mo=False, with_po=False)
    monkeypatch.setattr(i18n_catalogs, "TRANSLATIONS", translations)
    monkeypatch.setenv("SHARAKA_INSTANCE_PATH", str(tmp_path / "instance"))
    with pytest.raises(RuntimeError, match=r"ar message catalog is missing"):
        create_app(app_config(_schema))


def test_a_stale_catalog_is_recompiled(tmp_path, monkeypatch):
    import os
    from budget_app import i18n_catalogs
    translations = _copy_translations(tmp_path, with_mo=False)
    monkeypatch.setattr(i18n_catalogs, "TRANSLATIONS", translations)
    mo = translations / "ar" / "LC_MESSAGES" / "messages.mo"
    mo.write_bytes(b"stale")
    os.utime(mo, (1, 1))  # older than the .po
    i18n_catalogs.ensure_compiled()
    assert mo.stat().st_size > 10_000


# --- WTForms' own messages ------------------------------------------------------------------

def _validated_form(app, lang: str, data: dict) -> dict:
    from flask_wtf import FlaskForm
    from wtforms import IntegerField, StringField
    from wtforms.validators import DataRequired, Length

    class TitleForm(FlaskForm):
        class Meta:
            csrf = False
        title = StringField("title", validators=[Length(max=250)])
        name = StringField("name", validators=[DataRequired()])
        count = IntegerField("count")

    with app.app_context(), app.test_request_context(f"/?lang={lang}", method="POST", data=data):
        form = TitleForm()
        form.validate()
        return form.errors


def test_wtforms_messages_are_arabic_with_all_plural_forms(app):
    errors = _validated_form(app, "ar", {"title": "x" * 251, "name": "", "count": "abc"})
    assert errors["title"] == ["لا يمكن أن يزيد الحقل على 250 حرفًا."]  # n % 100 = 50: "حرفًا" (was English)
    assert errors["name"] == ["هذا الحقل مطلوب."]
    assert errors["count"] == ["أدخل عددًا صحيحًا."]
    english = _validated_form(app, "en", {"title": "x" * 251, "name": "", "count": "abc"})
    assert english["title"] == ["Field cannot be longer than 250 characters."]
    assert english["name"] == ["This field is required."]


# --- times, Plotly's texts, free texts in one language ------------------------------------

def test_times_have_no_seconds_and_name_the_time_zone(app):
    from datetime import datetime
    from budget_app.i18n import format_datetime
    moment = datetime(2026, 3, 10, 8, 5, 7)  # UTC; 10:05 in Jerusalem/Hebron (UTC+2 in March)
    with app.app_context(), app.test_request_context("/?lang=ar"):
        assert format_datetime(moment) == "10‏/03‏/2026، 10:05 ص بتوقيت القدس"
        assert format_datetime(moment, "short").endswith("10:05 ص")
    with app.app_context(), app.test_request_context("/?lang=en"):
        assert format_datetime(moment).replace("\u202f", " ") == "Mar 10, 2026, 10:05 AM Jerusalem time"
        assert ":07" not in format_datetime(moment, "full")


def test_plotly_interface_is_arabic_and_served_by_the_app(client):
    import json
    response = client.get("/assets/plotly-locale-ar.js")
    assert response.status_code == 200 and "javascript" in response.content_type
    body = response.get_data(as_text=True)
    locale = json.loads(body[body.index("{"):body.index(";if(window.Plotly)")].removeprefix("{var locale="))
    assert locale["name"] == "ar"
    assert locale["dictionary"]["Download plot as a PNG"] == "تنزيل الرسم صورةً (PNG)"
    assert locale["dictionary"]["Reset axes"] == "إعادة ضبط المحاور"
    assert locale["format"]["months"][4] == "أيار"  # Plotly's own file repeats آذار for May
    assert client.get("/assets/plotly-locale-en.js").status_code == 404
    assert client.get("/assets/plotly-locale-fr.js").status_code == 404
    page = client.get("/citizen-budget/").get_data(as_text=True)  # any page with charts links it
    assert "cdn" not in page.lower()


def test_free_text_in_one_language_is_marked(app):
    from budget_app.i18n import text_language
    assert text_language("التنفيذ حتى نهاية الربع الثاني") == "ar"
    assert text_language("Execution to Q2") == "en"
    assert text_language("2026") is None
    template = app.jinja_env.from_string(
        '{% from "_macros.html" import in_its_language %}{{ in_its_language(text) }}')
    with app.app_context(), app.test_request_context("/?lang=en"):
        html = template.render(text="أعيد توزيع المبلغ لأسباب فنية")
        assert 'lang="ar" dir="rtl"' in html and "(in Arabic only)" in html
        assert "(in" not in template.render(text="Moved for technical reasons")
    with app.app_context(), app.test_request_context("/?lang=ar"):
        html = template.render(text="Moved for technical reasons")
        assert 'lang="en" dir="ltr"' in html and "(بالإنجليزية فقط)" in html
