"""/docs: Swagger UI for the OpenAPI document, served from the swagger-ui-bundle package, so
the page renders with no network (no CDN) and under a Content-Security-Policy that allows
scripts from this server only."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, send_from_directory, url_for
from swagger_ui_bundle import swagger_ui_path

blp = Blueprint("docs", __name__)
_OWN_STATIC = Path(__file__).parent / "static"
# Swagger UI sets style attributes on its elements: styles may be inline, scripts may not.
DOCS_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>timeline-api</title>
  <link rel="stylesheet" href="{css}">
</head>
<body>
  <div id="swagger-ui" data-spec-url="{spec}"></div>
  <script src="{bundle}"></script>
  <script src="{init}"></script>
</body>
</html>
"""


@blp.get("/docs")
def swagger_ui() -> Response:
    page = _PAGE.format(css=url_for("docs.vendor", filename="swagger-ui.css"),
                        bundle=url_for("docs.vendor", filename="swagger-ui-bundle.js"),
                        init=url_for("docs.own", filename="docs-init.js"),
                        spec=url_for("api-docs.openapi_json"))
    response = Response(page, mimetype="text/html")
    response.headers["Content-Security-Policy"] = DOCS_CSP
    return response


@blp.get("/docs/vendor/<path:filename>")
def vendor(filename: str) -> Response:
    return send_from_directory(swagger_ui_path, filename, max_age=86400)


@blp.get("/docs/static/<path:filename>")
def own(filename: str) -> Response:
    return send_from_directory(_OWN_STATIC, filename, max_age=3600)
