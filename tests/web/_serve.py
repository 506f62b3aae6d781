"""The API mounted at /api/v1 in a parent Starlette app, as ``gridmap serve`` mounts it.

Run by the API tests in a uvicorn process: ``uvicorn --factory _serve:app``. The
store is ``GRIDMAP_DB``; ``GRIDMAP_TEST_MAX_BODY`` sets a small body cap.
"""

import os

from starlette.applications import Starlette
from starlette.routing import Mount

from gridmap.web.api import DEFAULT_MAX_BODY_BYTES, create_api


def app() -> Starlette:
    cap = int(os.environ.get("GRIDMAP_TEST_MAX_BODY", DEFAULT_MAX_BODY_BYTES))
    return Starlette(routes=[Mount("/api/v1", app=create_api(max_body_bytes=cap))])
