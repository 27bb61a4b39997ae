"""Citizen-budget charts that agree with their tables and read right-to-left in Arabic; open data
with numbers, both languages and a codebook; the results file carries the override reason."""
from __future__ import annotations

import io

import openpyxl

from cb_testlib import publish_snapshot, sample_snapshot
from helpers import page_text

BASE = "/citizen-budget/hebron/2026/v/1"


def _figures():
    from citizen_budget.figures import compute
    return compute(sample_snapshot(2026, slug="hebron"))


def test_sankey_adds_up_to_the_allocation_and_reads_right_to_left(app):
    from citizen_budget.charts import sources_sankey
    f = _figures()
    for lang, source_side, sector_side in (("ar", 0.99, 0.01), ("en", 0.01, 0.99)):
        with app.app_context(), app.test_request_context(f"/?lang={lang}"):
            fig, _alt = sources_sankey(f, lang)
        sankey = fig.data[0]
        n_sources = len({s for s, _t, _v in f.flows})
        assert list(sankey.node.x[:n_sources]) == [source_side] * n_sources
        assert set(sankey.node.x[n_sources:]) == {sector_side}
        # every shekel of the sources table: what was allocated, and each source's unused money
        assert round(sum(sankey.link.value), 2) == (f.allocated_minor + f.not_allocated_source_minor) / 100
        assert "incoming" not in sankey.node.hovertemplate and "%{customdata}" in sankey.node.hovertemplate
        if lang == "ar":
            assert "لم يُربط بمصدر بعد" in sankey.node.label  # untied money named as such, not "غير محدد"
    assert f.untied_minor == 350_000_00
    assert (sum(f.flow_minor(s["code"]) for s in f.by_source) + f.untied_minor
            == f.allocated_minor + f.not_allocated_source_minor)


def test_bar_charts_keep_legend_clear_and_money_readable(app):
    from citizen_budget.charts import comparison_bars, execution_bars
    f = _figures()
    with app.app_context(), app.test_request_context("/?lang=ar"):
        for fig, _alt in (execution_bars(f, "ar"), comparison_bars(f, "ar")):
            layout = fig.layout
            assert layout.legend.orientation == "h" and layout.legend.y >= 1 and layout.legend.yanchor == "bottom"
            assert layout.legend.xanchor == "right"  # the row starts on the reading side
            assert layout.yaxis.tickformat == ",d" and layout.yaxis.ticksuffix.endswith("₪")
            assert layout.yaxis.side == "right" and layout.margin.r >= 100  # room for "350,000 ₪"
            assert layout.xaxis.tickangle == 0 and layout.xaxis.autorange == "reversed"
            for trace in fig.data:
                assert "%{customdata}" in trace.hovertemplate and "₪" in trace.customdata[0]


def test_page_explains_untied_money_next_to_the_sources_table(client, world):
    publish_snapshot(world.hebron)
    text = page_text(client.get("/citizen-budget/hebron/2026/"))
    assert "لم يُربط بمصدر بعد" in text
    assert "يتتبّع المخطط مال كل نشاط مموَّل" in text
    english = page_text(client.get("/citizen-budget/hebron/2026/?lang=en"))
    assert "Not yet tied to a source" in english and "instead of guessing" in english


def test_excel_has_numbers_both_languages_and_a_codebook(client, world):
    publish_snapshot(world.hebron)
    wb = openpyxl.load_workbook(io.BytesIO(client.get(BASE + "/data.xlsx").data))
    sheet = wb["allocations"]
    header = [c.value for c in sheet[1]]
    assert "المبلغ / Amount" in header and "سبب القرار بالعربية / Decision reason (Arabic)" in header
    amount = header.index("المبلغ / Amount")
    values = [row[amount] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert values and all(isinstance(v, (int, float)) for v in values), values
    assert 400000 in values
    codes = {row[0]: row[1] for row in wb["decision_reasons"].iter_rows(min_row=2, values_only=True)}
    assert {"selected", "insufficient_budget", "override_added", "override_removed"} <= set(codes)
    fiscal = wb["fiscal_data"]
    fheader = [c.value for c in fiscal[1]]
    column = fheader.index("مصدر التمويل بالعربية / Funding source (Arabic)")
    assert "خزينة وزارة التنمية الاجتماعية" in {row[column] for row in fiscal.iter_rows(min_row=2, values_only=True)}


def test_csv_carries_a_plain_sentence_for_each_reason_code(client, world):
    publish_snapshot(world.hebron)
    text = client.get(BASE + "/data.csv").data.decode("utf-8-sig")
    header = text.splitlines()[0].split(",")
    assert {"decision_reason", "decision_reason_ar", "decision_reason_en"} <= set(header)
    assert "insufficient_budget" in text and "لم يُموَّل" in text and "Not funded" in text


def test_money_without_a_source_has_one_name_everywhere(client, world):
    """The citizen page, the director's spending form and the spending spreadsheet's column help
    all call money no funding source is named for "Not yet tied to a source" (they said "Not
    specified" beside it, a second name for the same money), in both languages."""
    from budget_app.cycles.models import BudgetCycle
    from budget_app.cycles.execution.imports import spending_columns

    publish_snapshot(world.hebron)
    english = page_text(client.get("/citizen-budget/hebron/2026/?lang=en"))
    arabic = page_text(client.get("/citizen-budget/hebron/2026/?lang=ar"))
    assert "Not yet tied to a source" in english and "Not specified" not in english
    assert "لم يُربط بمصدر بعد" in arabic and "غير محدد" not in arabic
    from flask_babel import force_locale
    for lang, wanted in (("en", "Not yet tied to a source"), ("ar", "لم يُربط بمصدر بعد")):
        with client.application.test_request_context(f"/?lang={lang}"), force_locale(lang):
            from budget_app.cycles.execution.views import source_choices as _source_choices
            assert str(_source_choices(None)[0][1]) == wanted
            help_text = next(str(c.help) for c in spending_columns() if c.key == "funding_source")
            assert wanted in help_text
