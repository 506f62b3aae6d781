"""Server time of a map page rerun, for ``gridmap bench`` (the library never imports Streamlit).

Runs the app's map page in Streamlit's AppTest, logged in as admin on the store
in ``$GRIDMAP_DB``, and a plain Streamlit page drawing the same layers with
plain folium (one GeoJson per layer, the frames cached with st.cache_resource as
a plain app would). Prints one JSON line: ``seconds`` and ``baseline_seconds``,
the best of ``--repeat`` reruns after a first run.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from gridmap import auth
from gridmap.model import UserRole
from gridmap.store import open_store
from gridmap.web import sessions as web_sessions

ROOT = Path(__file__).resolve().parents[1]

PLAIN = '''
import folium
import streamlit as st
from streamlit_folium import st_folium

from gridmap import snapshot
from gridmap.store import open_store


@st.cache_resource
def frames():
    store = open_store(upgrade=False)
    try:
        return snapshot.load_frames(store)
    finally:
        store.close()


m = folium.Map(tiles=None, prefer_canvas=True)
for layer in ("grids", *snapshot.POINT_LAYERS):
    frame = frames().get(layer)
    if frame is not None and len(frame):
        folium.GeoJson(frame.to_json(default=str), name=layer).add_to(m)
st_folium(m, height=640, use_container_width=True)
'''


def _token() -> str:
    store = open_store(upgrade=False)
    try:
        row = store.find_user("admin")
        user = auth.User("admin", UserRole(row["role"]), None, row["id"])
        token, _ = web_sessions.start_session(store, user, user_agent="bench")
    finally:
        store.close()
    return token


def _navigation_only() -> None:
    """Keep AppTest on st.navigation, as the served app is (tests/app/conftest.py says why).

    Without it every rerun after the first executes the last page file alone,
    without app.py and its login: an empty page, timed as if it were the map.
    """
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self: PagesManager, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init


def _best(at: AppTest, repeat: int, *, drawn: bool = True) -> float:
    at.run()
    if at.exception:
        raise RuntimeError(str(at.exception))
    if drawn and not at.get("component_instance"):
        raise RuntimeError("the map page drew no map: the rerun would time another page")
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        at.run()
        best = min(best, time.perf_counter() - start)
    if drawn and not at.get("component_instance"):
        raise RuntimeError("the map page drew no map: the rerun would time another page")
    return best


def main() -> None:
    """Print the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    _navigation_only()
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.session_state["gm_session_token"] = _token()
    app.switch_page("pages/map.py")
    seconds = _best(app, args.repeat)
    plain = AppTest.from_string(PLAIN, default_timeout=120)
    baseline = _best(plain, args.repeat)
    print(json.dumps({"seconds": seconds, "baseline_seconds": baseline}))


if __name__ == "__main__":
    main()
