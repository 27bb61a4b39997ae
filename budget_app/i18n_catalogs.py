"""Message catalogs: one per feature package, so features can be translated independently.

Flask-Babel merges every ``translations`` folder listed in ``create_app``. This module
extracts messages, updates the Arabic and English catalogs, compiles them, and reports what
is missing (used by ``tools/i18n.py`` and by the catalog test).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ("ar", "en")
KEYWORDS = {
    "_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None,
    "pgettext": ((1, "c"), 2), "lazy_pgettext": ((1, "c"), 2), "lazy_ngettext": (1, 2),
}
JINJA_OPTIONS = {"extensions": "jinja2.ext.do", "trimmed": "true"}


@dataclass(frozen=True)
class CatalogSpec:
    name: str
    directory: str  # relative to ROOT
    python: tuple[str, ...]
    templates: tuple[str, ...]
    exclude: tuple[str, ...] = ()  # files another catalog owns

    @property
    def path(self) -> Path:
        return ROOT / self.directory

    def po_path(self, locale: str) -> Path:
        return self.path / locale / "LC_MESSAGES" / "messages.po"


# Add a catalog when a feature package gets its own strings.
CATALOGS = [
    CatalogSpec("core", "budget_app/translations",
                ("budget_app/*.py", "budget_app/auth/**/*.py", "budget_app/admin/**/*.py",
                 "budget_app/main/**/*.py", "budget_app/reference/**/*.py", "councils/models.py"),
                ("templates/*.html", "templates/main/**/*.html", "templates/auth/**/*.html",
                 "templates/admin/**/*.html", "templates/errors/**/*.html")),
    # Role and organization-type labels in councils/models.py appear on admin pages: core owns them.
    CatalogSpec("councils", "councils/translations",
                ("councils/**/*.py",), ("templates/councils/**/*.html",), exclude=("councils/models.py",)),
    CatalogSpec("priorities", "priorities/translations",
                ("priorities/**/*.py",), ("templates/priorities/**/*.html",)),
    CatalogSpec("cycles", "budget_app/cycles/translations",
                ("budget_app/cycles/**/*.py",), ("templates/cycles/**/*.html",)),
    CatalogSpec("citizen_budget", "citizen_budget/translations",
                ("citizen_budget/**/*.py",), ("templates/citizen_budget/**/*.html",)),
]


def _files(patterns) -> list[Path]:
    seen = []
    for pattern in patterns:
        for path in sorted(ROOT.glob(pattern)):
            if path.is_file() and "translations" not in path.parts and path not in seen:
                seen.append(path)
    return seen


def extract(spec: CatalogSpec) -> Catalog:
    catalog = Catalog(project="Sharaka", charset="utf-8")
    excluded = {ROOT / name for name in spec.exclude}
    python = [p for p in _files(spec.python) if p not in excluded]
    for method, files in (("python", python), ("jinja2", _files(spec.templates))):
        for path in files:
            options = JINJA_OPTIONS if method == "jinja2" else {}
            for lineno, message, comments, context in extract_from_file(
                    method, str(path), keywords=KEYWORDS, options=options):
                catalog.add(message, None, [(str(path.relative_to(ROOT)), lineno)],
                            auto_comments=comments, context=context)
    return catalog


def load(spec: CatalogSpec, locale: str) -> Catalog | None:
    path = spec.po_path(locale)
    if not path.exists():
        return None
    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


def update(spec: CatalogSpec) -> dict[str, int]:
    """Extract, merge into ar/en catalogs (English msgstr = msgid), write .po files."""
    template = extract(spec)
    if not len(template):
        return {}
    stats = {}
    for locale in LOCALES:
        catalog = load(spec, locale) or Catalog(locale=locale, project="Sharaka", charset="utf-8")
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        for message in catalog:
            if not message.id:
                continue
            if locale == "en" and not message.string:
                message.string = message.id
            message.flags.discard("fuzzy")
        path = spec.po_path(locale)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            write_po(fh, catalog, width=100, sort_output=False, omit_header=False)
        stats[locale] = sum(1 for m in catalog if m.id and not _translated(m))
    return stats


def _translated(message) -> bool:
    if isinstance(message.string, (tuple, list)):
        return all(message.string)
    return bool(message.string)


def compile_all() -> list[Path]:
    written = []
    for spec in CATALOGS:
        for locale in LOCALES:
            catalog = load(spec, locale)
            if catalog is None:
                continue
            mo = spec.po_path(locale).with_suffix(".mo")
            with mo.open("wb") as fh:
                write_mo(fh, catalog, use_fuzzy=False)
            written.append(mo)
    return written


def problems() -> list[str]:
    """Every msgid used in code but missing or untranslated in a catalog, as readable lines."""
    out = []
    for spec in CATALOGS:
        template = extract(spec)
        if not len(template):
            continue
        for locale in LOCALES:
            catalog = load(spec, locale)
            if catalog is None:
                out.append(f"{spec.po_path(locale).relative_to(ROOT)}: missing catalog")
                continue
            for message in template:
                if not message.id:
                    continue
                existing = catalog.get(message.id, context=message.context)
                if existing is None:
                    out.append(f"{spec.name}/{locale}: not in catalog: {message.id!r}")
                elif not _translated(existing) or "fuzzy" in existing.flags:
                    out.append(f"{spec.name}/{locale}: untranslated: {message.id!r}")
    return out


def apply_translations(spec: CatalogSpec, locale: str, mapping: dict[str, str]) -> int:
    """Set msgstr for the given msgids (a helper for translators). Returns how many were set."""
    catalog = load(spec, locale)
    n = 0
    for message in catalog:
        if message.id and isinstance(message.id, str) and message.id in mapping:
            message.string = mapping[message.id]
            message.flags.discard("fuzzy")
            n += 1
    with spec.po_path(locale).open("wb") as fh:
        write_po(fh, catalog, width=100, sort_output=False)
    return n
