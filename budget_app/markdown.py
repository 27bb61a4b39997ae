"""Markdown from users (minutes, comments, citizen-budget texts), rendered and sanitized.

markdown-it renders CommonMark with raw HTML disabled; nh3 (ammonia) then keeps only safe
tags and attributes and drops ``javascript:`` and other non-http links, whatever the input.
"""
from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "code", "pre", "hr",
    "h2", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": set()}


def render_markdown(text: str | None, *, links: bool = True) -> Markup:
    """Safe HTML for ``text``. With ``links=False`` (public feedback), links become plain text."""
    if not text:
        return Markup("")
    html = _md.render(text)
    tags = set(ALLOWED_TAGS) if links else set(ALLOWED_TAGS) - {"a"}
    clean = nh3.clean(
        html,
        tags=tags,
        attributes=ALLOWED_ATTRIBUTES if links else {},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return Markup(clean)


def init_app(app):
    app.jinja_env.filters["markdown"] = render_markdown
