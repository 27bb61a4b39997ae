"""The message catalog: one per language, for the whole application.

English is the source language, so it needs no catalog (gettext falls back to the msgid,
plural forms included). Arabic lives in ``budget_app/translations/ar/LC_MESSAGES/messages.po``.
Extraction, update and compilation are Babel's own (``pybabel``) with the mapping in
``babel.cfg``; this module adds what pybabel does not: a completeness check used by the test
suite, helpers for translators, compiling at start-up when the ``.mo`` is missing or stale, and
a git merge driver so that two branches adding strings never conflict.

``flask --app budget_app translate extract|update|compile|check|missing|apply``
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

# babel.messages (extraction, .po reading and writing) is imported inside the functions that use
# it: create_app() only calls ensure_compiled(), which needs it only when the .mo is stale.
if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = Path(__file__).resolve().parent / "translations"
MAPPING = ROOT / "babel.cfg"
LOCALES = ("ar",)  # English is the source language
KEYWORDS = ["_", "gettext", "ngettext:1,2", "lazy_gettext", "_l", "lazy_ngettext:1,2",
            "pgettext:1c,2", "lazy_pgettext:1c,2", "npgettext:1c,2,3", "lazy_npgettext:1c,2,3",
            "N_", "NP_:1c,2"]  # N_/NP_: texts marked where Flask-Babel is not imported (budget_app/tally)
PO_OPTIONS = dict(width=100, sort_output=True, no_location=True, omit_header=False)


def po_path(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def _pybabel(*args: str) -> None:
    from babel.messages.frontend import CommandLineInterface  # heavy library: imported on first use, not at start-up

    CommandLineInterface().run(["pybabel", "-q", *args])


def extract(pot: Path) -> None:
    """``pybabel extract`` over the application with babel.cfg, no line numbers, sorted."""
    keyword_args = [arg for kw in KEYWORDS for arg in ("-k", kw)]
    cwd = os.getcwd()
    os.chdir(ROOT)  # babel.cfg's patterns are relative to the project root
    try:
        _pybabel("extract", "-F", str(MAPPING), "--no-default-keywords", *keyword_args,
                 "--no-location", "--sort-output", "--project", "Sharaka", "-w", "100",
                 "-o", str(pot), ".")
    finally:
        os.chdir(cwd)


def update() -> dict[str, int]:
    """Extract, then ``pybabel update`` every catalog; returns untranslated counts per locale."""
    with tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp) / "messages.pot"
        extract(pot)
        for locale in LOCALES:
            _pybabel("update", "-i", str(pot), "-d", str(TRANSLATIONS), "-l", locale,
                     "--no-fuzzy-matching", "--ignore-obsolete", "-w", "100")
            # pybabel update keeps the template's order; sort and drop locations so that two
            # branches adding strings touch different lines.
            _rewrite(locale, load(locale))
    return {locale: sum(1 for m in load(locale) if m.id and not _translated(m)) for locale in LOCALES}


def load(locale: str) -> Catalog | None:
    from babel.messages.pofile import read_po  # heavy library: imported on first use, not at start-up

    path = po_path(locale)
    if not path.exists():
        return None
    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


def _rewrite(locale: str, catalog: Catalog) -> None:
    from babel.messages.pofile import write_po  # heavy library: imported on first use, not at start-up

    with po_path(locale).open("wb") as fh:
        write_po(fh, catalog, **PO_OPTIONS)


def _translated(message) -> bool:
    if isinstance(message.string, (tuple, list)):
        return all(message.string)
    return bool(message.string)


def compile_all() -> list[Path]:
    from babel.messages.mofile import write_mo  # heavy library: imported on first use, not at start-up

    written = []
    for locale in LOCALES:
        catalog = load(locale)
        if catalog is None:
            continue
        mo = po_path(locale).with_suffix(".mo")
        with mo.open("wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)
        written.append(mo)
    return written


def ensure_compiled() -> None:
    """Compile a missing or stale ``.mo`` (an install without ``make``); refuse to run without Arabic.

    Arabic is the default language: serving English silently because the catalog was never
    compiled is worse than not starting.
    """
    for locale in LOCALES:
        po = po_path(locale)
        mo = po.with_suffix(".mo")
        if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
            continue
        if not po.exists():
            raise RuntimeError(f"The {locale} message catalog is missing ({po}); reinstall Sharaka.")
        try:
            compile_all()
        except OSError as exc:
            if not mo.exists():
                raise RuntimeError(f"Cannot compile the {locale} message catalog into {mo}: {exc}. "
                                   "Run `flask --app budget_app translate compile` as the installing user.") from exc


def problems() -> list[str]:
    """Every msgid used in code but missing or untranslated in a catalog, as readable lines."""
    from babel.messages.extract import extract_from_dir  # heavy library: imported on first use, not at start-up

    method_map, options_map = _mapping()
    out = []
    catalogs = {locale: load(locale) for locale in LOCALES}
    for locale, catalog in catalogs.items():
        if catalog is None:
            out.append(f"{po_path(locale).relative_to(ROOT)}: missing catalog")
    seen = set()
    for filename, lineno, message, comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=_keyword_spec()):
        key = (message, context)
        if key in seen:
            continue
        seen.add(key)
        msgid = message[0] if isinstance(message, (tuple, list)) else message
        if not msgid:
            continue
        for locale, catalog in catalogs.items():
            if catalog is None:
                continue
            existing = catalog.get(msgid, context=context)
            where = f"{filename}:{lineno}"
            if existing is None:
                out.append(f"{locale}: not in catalog: {msgid!r} ({where})")
            elif not _translated(existing) or "fuzzy" in existing.flags:
                out.append(f"{locale}: untranslated: {msgid!r} ({where})")
    return out


def _mapping():
    from babel.messages.frontend import parse_mapping_cfg  # heavy library: imported on first use, not at start-up

    with MAPPING.open() as fh:
        return parse_mapping_cfg(fh)


def _keyword_spec() -> dict:
    from babel.messages.frontend import parse_keywords  # heavy library: imported on first use, not at start-up
    return parse_keywords(KEYWORDS)


def missing(locale: str = "ar") -> dict:
    """Untranslated entries as JSON-ready ``{msgid: ""}`` (plurals: ``{msgid: ["", ...]}``).

    An entry with a context is keyed ``"context\\u0004msgid"`` as gettext does.
    """
    out = {}
    for m in load(locale):
        if not m.id or _translated(m):
            continue
        msgid = m.id[0] if isinstance(m.id, (tuple, list)) else m.id
        key = f"{m.context}\x04{msgid}" if m.context else msgid
        out[key] = [""] * load(locale).num_plurals if isinstance(m.id, (tuple, list)) else ""
    return out


def apply_translations(mapping: dict, locale: str = "ar") -> int:
    """Set msgstr for the given msgids (``missing``'s keys). Returns how many were set."""
    catalog = load(locale)
    n = 0
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id[0] if isinstance(message.id, (tuple, list)) else message.id
        key = f"{message.context}\x04{msgid}" if message.context else msgid
        if key in mapping:
            value = mapping[key]
            message.string = tuple(value) if isinstance(message.id, (tuple, list)) else value
            message.flags.discard("fuzzy")
            n += 1
    _rewrite(locale, catalog)
    return n


def merge_driver(base: str, ours: str, theirs: str) -> int:
    """``git merge`` driver for .po files: the union of both sides' translations.

    Set up once per clone: ``git config merge.po.driver "python -m budget_app.i18n_catalogs
    merge %O %A %B"`` (``.gitattributes`` names the driver). Where both sides translated the
    same msgid differently, ours wins and the conflict is printed. Obsolete entries are dropped
    by the next ``translate update``.
    """
    from babel.messages.pofile import read_po, write_po  # heavy library: imported on first use, not at start-up

    def read(path):
        with open(path, "rb") as fh:
            return read_po(fh)

    mine, other = read(ours), read(theirs)
    for message in other:
        if not message.id:
            continue
        existing = mine.get(message.id, context=message.context)
        if existing is None:
            mine[message.id] = message
        elif not _translated(existing) and _translated(message):
            existing.string = message.string
        elif _translated(message) and existing.string != message.string:
            print(f"po merge: kept ours for {message.id!r}", file=sys.stderr)
    with open(ours, "wb") as fh:
        write_po(fh, mine, **PO_OPTIONS)
    return 0


if __name__ == "__main__":  # the merge driver; the rest is `flask translate`
    if len(sys.argv) == 5 and sys.argv[1] == "merge":
        sys.exit(merge_driver(*sys.argv[2:]))
    print(json.dumps({"usage": "python -m budget_app.i18n_catalogs merge BASE OURS THEIRS"}))
    sys.exit(2)
