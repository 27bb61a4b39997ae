"""Static files addressed by their content: ``/static/app.css?v=<hash>`` is cached for a year.

Every ``url_for('static', ...)`` gets ``v``, the first 12 hex digits of the file's SHA-256, so a
changed file has a new URL and a browser never needs to ask again for one it has: a repeat visit
downloads only the page itself. A request without ``v``, or with a stale one, keeps Flask's
usual revalidation.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from flask import request

IMMUTABLE = "public, max-age=31536000, immutable"


def init_app(app) -> None:
    hashes: dict[str, str | None] = {}
    folder = Path(app.static_folder)

    def file_hash(filename: str) -> str | None:
        if filename not in hashes or app.debug:  # the development server sees edits at once
            path = (folder / filename).resolve()
            inside = path.is_relative_to(folder.resolve()) and path.is_file()
            hashes[filename] = hashlib.sha256(path.read_bytes()).hexdigest()[:12] if inside else None
        return hashes[filename]

    @app.url_defaults
    def add_version(endpoint, values):
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = file_hash(values["filename"])
            if version:
                values["v"] = version

    @app.after_request
    def cache_versioned(response):
        if (request.endpoint == "static" and response.status_code == 200
                and request.args.get("v") and request.args.get("v") == file_hash(request.view_args["filename"])):
            response.headers["Cache-Control"] = IMMUTABLE
        return response
