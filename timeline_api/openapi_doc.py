"""The OpenAPI document as committed in openapi/openapi.yaml: `python -m timeline_api.openapi_doc`."""
from __future__ import annotations

import sys

import yaml


def openapi_dict() -> dict:
    from timeline_api import create_app

    # the document does not depend on the database; an in-memory one avoids touching disk
    app = create_app({"database_url": "sqlite://"})
    with app.app_context():
        return app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()


def openapi_yaml() -> str:
    return yaml.safe_dump(openapi_dict(), sort_keys=True, allow_unicode=True, width=100)


if __name__ == "__main__":
    sys.stdout.write(openapi_yaml())
