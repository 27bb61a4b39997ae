#!/usr/bin/env python3
"""Translation catalogs.

  python tools/i18n.py extract [CATALOG...] update catalogs from the code (en filled in)
  python tools/i18n.py compile            write the .mo files (make run/test do this)
  python tools/i18n.py check              list what is missing or untranslated
  python tools/i18n.py missing CATALOG    print untranslated Arabic msgids as JSON
  python tools/i18n.py apply CATALOG FILE.json   set Arabic msgstr from {msgid: msgstr}
"""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from budget_app import i18n_catalogs as c  # noqa: E402


def main(argv):
    if not argv:
        print(__doc__)
        return 2
    cmd = argv[0]
    specs = {s.name: s for s in c.CATALOGS}
    if cmd == "extract":
        for spec in c.CATALOGS:
            if len(argv) > 1 and spec.name not in argv[1:]:
                continue
            stats = c.update(spec)
            if stats:
                print(f"{spec.name}: untranslated ar={stats.get('ar')} en={stats.get('en')}")
    elif cmd == "compile":
        c.compile_all()
    elif cmd == "check":
        problems = c.problems()
        print("\n".join(problems) or "all catalogs complete")
        return 1 if problems else 0
    elif cmd == "missing":
        catalog = c.load(specs[argv[1]], "ar")
        print(json.dumps({m.id: "" for m in catalog if m.id and not m.string}, ensure_ascii=False, indent=1))
    elif cmd == "apply":
        mapping = json.loads(Path(argv[2]).read_text())
        print(c.apply_translations(specs[argv[1]], "ar", mapping), "set")
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
