"""User text is plain text on every page: no Markdown, auto-links or HTML (issue #14, item 4).

Markup payloads are stored in an issue description, a board's name and theme, a worker's
name and notes, a grid's and a community's name. Every page is run for an admin (who
sees everything); each string Streamlit renders as Markdown (markdown, captions, alerts,
headings, widget labels and help, radio options, metric values, every ``st.table`` cell)
is parsed for the constructs the payloads try: an image, a link, an auto-link, HTML, a
math or colour directive. The payloads must show up (escaped) where user text is shown,
or the test would prove nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from gridmap import auth
from gridmap.model import UserRole
from gridmap.records import points
from gridmap.store import assignments
from gridmap.web.pages import PAGES
from pages import _shared as sh

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"

MARK = "PXL"  # in every payload, so a rendered string holding one can be found
PAYLOADS = {
    "image": f"![{MARK}](http://127.0.0.1:9/{MARK}.png)",
    "link": f"[{MARK}](http://127.0.0.1:9/{MARK})",
    "autolink": f"{MARK} http://127.0.0.1:9/{MARK} www.{MARK}.example {MARK}@mail.example",
    "html": f'<img src="http://127.0.0.1:9/{MARK}.gif"><a href="http://x/">{MARK}</a>',
    "jinja": f"{{{{ 7*7 }}}} {MARK} {{% if 1 %}}x{{% endif %}}",
    "formula": f'=HYPERLINK("http://127.0.0.1:9/{MARK}","{MARK}")',
    "streamlit": f":red[{MARK}] :material/home: $x^2$ {MARK} **{MARK}**",
}

# Markdown constructs that would make a live element or load something, in the source
# left after removing backslash escapes (md() escapes every one of their characters).
_SYNTAX = [
    ("image", re.compile(r"!\[")),
    ("link", re.compile(r"\]\(")),
    ("autolink", re.compile(r"<[a-z]+:")),
    ("html", re.compile(r"<[A-Za-z/!?]")),
    ("directive", re.compile(r":[a-z]+\[|:material/|\$[^$]+\$")),
    ("emphasis", re.compile(r"\*\*\S")),
]
# GFM auto-link literals, as remark-gfm finds them: in the text once escapes are resolved
# (so a backslash cannot stop them); ASCII word characters, as in JavaScript.
_AUTOLINKS = [
    ("url", re.compile(r"(?i)(?:https?://|\bwww(?=\.))", re.ASCII)),
    ("email", re.compile(r"[-.\w+]+@[-\w]+(?:\.[-\w]+)+", re.ASCII)),
]


def _live(text: str) -> list[str]:
    syntax = re.sub(r"\\.", "", text)  # what Markdown reads as syntax
    shown = re.sub(r"\\(.)", r"\1", text)  # the text, where GFM looks for auto-links
    return [name for name, pattern in _SYNTAX if pattern.search(syntax)] + [
        name for name, pattern in _AUTOLINKS if pattern.search(shown)
    ]


@pytest.fixture
def payload_store(app_store):
    """The demo copy with a payload in each free-text field the pages show."""
    store = app_store

    def put(table: str, row: dict, values: dict) -> None:
        store.update(table, int(row["id"]), values, version=int(row["version"]),
                     username="test")

    issue = store.read_layer("issues").iloc[0]
    put("issue_reports", issue, {"description": "\n".join(PAYLOADS.values())})
    board = store.read_layer("boards").iloc[0]
    points.update_point(store, auth.User("admin", UserRole.ADMIN), int(board["id"]),
                        {"name": PAYLOADS["image"], "theme": PAYLOADS["streamlit"]},
                        version=int(board["version"]))
    grids = store.read_layer("grids")
    grid = grids[grids["code"] == board["code"][:len(grids["code"].iloc[0])]]
    grid = grids.iloc[0] if grid.empty else grid.iloc[0]
    put("grids", grid, {"name": PAYLOADS["link"]})
    community = store.read_layer("communities").set_index("code").loc[grid["community"]]
    put("communities", community.to_dict() | {"id": community["id"]},
        {"name": PAYLOADS["autolink"]})
    workers = store.read_layer("workers")
    put("workers", workers.iloc[0], {"name": PAYLOADS["html"], "notes": PAYLOADS["jinja"]})
    put("workers", workers.iloc[1], {"name": PAYLOADS["formula"]})
    held = assignments.worker_grids(store, str(workers.iloc[0]["code"]), on=dt.date.today())
    return {"issue": int(issue["id"]), "board": int(board["id"]), "grid": str(grid["code"]),
            "board_lonlat": (float(board.geometry.x), float(board.geometry.y)),
            "worker_grid": held[0]}


def _login(username: str) -> str:
    from tests.app.test_pages import _login as login

    return login(username)


def _markdown_strings(at: AppTest) -> list[tuple[str, str]]:
    """(element type, source) of every string the page renders as Markdown."""
    found: list[tuple[str, str]] = []

    def visit(node) -> None:
        proto = getattr(node, "proto", None)
        kind = getattr(node, "type", "")
        if kind == "table":
            frame = node.value
            cells = [*map(str, frame.columns), *map(str, frame.to_numpy().ravel())]
            found.extend((kind, c) for c in cells)
        elif proto is not None and hasattr(proto, "DESCRIPTOR"):
            for field in ("body", "label", "help", "caption", "placeholder"):
                if field in proto.DESCRIPTOR.fields_by_name:
                    value = getattr(proto, field)
                    if isinstance(value, str) and value:
                        found.append((kind, value))
            if kind in ("radio", "button_group") and "options" in proto.DESCRIPTOR.fields_by_name:
                for option in proto.options:
                    found.append((kind, option if isinstance(option, str) else option.content))
        for child in getattr(node, "children", {}).values():
            visit(child)

    visit(at._tree)
    return found


def _run(page: str, state: dict | None = None, *, username: str = "admin") -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.session_state["gm_session_token"] = _login(username)
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _check(at: AppTest) -> list[str]:
    """Assert nothing live; return the rendered strings holding a payload."""
    strings = _markdown_strings(at)
    bad = [(kind, text, _live(text)) for kind, text in strings if MARK in text and _live(text)]
    assert bad == []
    return [text for _, text in strings if MARK in text]


@pytest.mark.parametrize("page", [p.file for p in PAGES])
def test_markup_payloads_are_plain_text_on_every_page(payload_store, page):
    _check(_run(page))


def test_issue_detail_shows_the_description_as_text(payload_store):
    at = _run("pages/issues.py", {"gm_issue_request": payload_store["issue"]})
    shown = _check(at)
    assert any("PXL\\]\\(http\\:\u2060//" in s for s in shown)  # the description, escaped
    assert any("\\{\\{ 7\\*7 \\}\\}" in s for s in shown)  # no template ran on it


def test_point_details_show_name_and_theme_as_text(payload_store):
    at = _run("pages/points.py", {sh.K_POINT: payload_store["board"],
                                  sh.K_POINT_LAYER: "boards"}, username="viewer")
    shown = _check(at)
    assert any("\\!\\[PXL\\]" in s for s in shown)


def test_map_panels_show_names_as_text(payload_store):
    lon, lat = payload_store["board_lonlat"]
    point = _check(_run("pages/map.py", {sh.K_SEL: ("click", lon, lat)}))
    assert any("\\!\\[PXL\\]" in s for s in point)  # the board's name in its details
    grid = _check(_run("pages/map.py", {sh.K_SEL: ("grid", payload_store["grid"])}))
    assert any("www\u2060\\.PXL" in s for s in grid)  # the community's name in the grid panel
    held = _check(_run("pages/map.py", {sh.K_SEL: ("grid", payload_store["worker_grid"])}))
    assert any("\\<img src" in s for s in held)  # a worker's name in the panel's workers table


def test_the_escaping_helper_kills_every_construct():
    for name, payload in PAYLOADS.items():
        if name != "jinja":  # no Markdown; it must only arrive unevaluated (below)
            assert _live(payload), name  # the check sees the raw payload as live ...
        assert _live(sh.md(payload)) == [], name  # ... and the escaped one as text
    assert "\n" not in sh.md("a\n# heading\n===")


def test_st_table_cells_are_escaped(payload_store):
    at = _run("pages/points.py", {sh.K_POINT: payload_store["board"],
                                  sh.K_POINT_LAYER: "boards"}, username="viewer")
    tables = [node.value for node in at.get("table")]
    assert tables and all(isinstance(t, pd.DataFrame) for t in tables)
    cells = [str(v) for t in tables for v in t.to_numpy().ravel()]
    assert PAYLOADS["image"] not in cells
    assert sh.md(PAYLOADS["image"]) in cells
