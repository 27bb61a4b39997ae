"""URL rules whose ``url_for`` builders are made when first used.

For each rule Werkzeug writes the source of two builder functions, parses and compiles it while
the rule is added: for the app's 161 rules that was two thirds of ``create_app()`` (0.1 s of
0.17 s), paid by every gunicorn worker, every command-line run and every test, though most
requests build a handful of URLs. Here each builder is compiled by the first ``url_for`` that
needs it (Werkzeug's own code, unchanged), and then replaces the stand-in, so later calls cost
what they did before. Two threads building the same rule first both compile it; the results are
the same function.
"""
from __future__ import annotations

from werkzeug.routing import Rule


class LazyBuilderRule(Rule):
    """A :class:`werkzeug.routing.Rule` that compiles its URL builders on first use."""

    def _compile_builder(self, append_unknown: bool = True):
        attribute = "_build_unknown" if append_unknown else "_build"

        def build_first(rule, *args, **kwargs):
            builder = Rule._compile_builder(rule, append_unknown).__get__(rule, None)
            setattr(rule, attribute, builder)
            return builder(*args, **kwargs)

        return build_first
