"""User text reaches the map escaped: names with <script> and <img onerror> stay text."""

from __future__ import annotations

import html
import re

import pytest

from gridmap import auth, maps, snapshot
from gridmap.model import UserRole
from gridmap.records import points

NASTY = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")


@pytest.fixture
def nasty_map_html(app_store) -> str:
    planner = auth.User("planner", UserRole.PLANNER)
    grids = snapshot.load_frames(app_store)["grids"]
    for i, name in enumerate(NASTY):
        inside = grids.geometry.iloc[i].representative_point()
        points.add_point(
            app_store,
            planner,
            "boards",
            lon=inside.x,
            lat=inside.y,
            values={"name": name, "board_type": "publicity", "theme": name},
        )
    frames = snapshot.visible_frames(app_store, auth.User("viewer", UserRole.VIEWER))
    assert set(NASTY) <= set(frames["boards"]["name"])
    return maps.map_html(maps.street_map(frames, lang="en"))


def _unescape_json(text: str) -> str:
    """Undo JSON's \\uXXXX escapes (folium writes < > & that way inside scripts)."""
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)


@pytest.mark.parametrize("name", NASTY)
def test_user_text_is_escaped_in_the_map_html(nasty_map_html, name):
    assert name not in nasty_map_html
    assert name not in _unescape_json(nasty_map_html)  # not even once JSON is decoded
    assert html.escape(name, quote=True) in _unescape_json(nasty_map_html)


def test_no_active_markup_from_user_text(nasty_map_html):
    decoded = _unescape_json(nasty_map_html)
    assert "onerror=alert" not in decoded.replace("&lt;img src=x onerror=alert(1)&gt;", "")
    assert decoded.count("<script>alert(1)") == 0
