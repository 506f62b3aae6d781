"""The click hook (``static/click-send.js``) against the installed streamlit-folium.

:class:`gridmap.maps.leaflet.ClickSend` sends a map click's value itself, at once,
instead of waiting for streamlit-folium's debounced ``updateComponentValue``. It
reads streamlit-folium's globals, builds the same value and posts it with
Streamlit's component message. These tests read streamlit-folium's own
TypeScript (the source map shipped with its build) and Streamlit's component
library: if a new version changes the value, the globals, the way a click is
recorded or the message, a test fails here and the hook must be checked again.
The hook's behaviour in a browser (one value per click, pans still debounced)
is tested in ``tests/browser/test_browser.py``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from gridmap import maps
from gridmap.maps import leaflet

HOOK = leaflet.static_text("click-send.js")


def _sources() -> dict[str, str]:
    """streamlit-folium's bundled sources by name, from its build's source map."""
    folium = pytest.importorskip("streamlit_folium")
    build = Path(folium.__file__).parent / "frontend" / "build" / "static" / "js"
    (bundle,) = build.glob("main.*.js")
    code = bundle.read_text(encoding="utf-8")
    source_map = build / re.findall(r"sourceMappingURL=(\S+)", code)[-1]  # this build's map
    assert "(updateComponentValue,250)" in code and ".previous_data=" in code
    data = json.loads(source_map.read_text(encoding="utf-8"))
    return dict(zip(data["sources"], data["sourcesContent"], strict=True))


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _braced(source: str, start: str) -> str:
    """The text from ``start`` to the end of the first ``{...}`` after it (braces balanced)."""
    begin = source.index(start)
    depth, i = 0, source.index("{", begin)
    while True:
        depth += {"{": 1, "}": -1}.get(source[i], 0)
        if depth == 0:
            return source[begin : i + 1]
        i += 1


def _function(source: str, name: str) -> str:
    """The text of ``function name(...) {...}`` in ``source``."""
    return _braced(source, f"function {name}(")


def _keys(literal: str) -> list[str]:
    """The keys of an object literal (the literals compared here nest no keyed object)."""
    return re.findall(r"(?:^|[{,])\s*(\w+):", literal, re.MULTILINE)


@pytest.fixture(scope="module")
def index() -> str:
    return _sources()["index.tsx"]


def test_the_value_has_streamlit_folium_keys_in_its_order(index):
    update = _function(index, "updateComponentValue")
    theirs = _keys(_braced(update, "let _data = {"))
    ours = _keys(_braced(HOOK, "var all = {"))
    assert len(theirs) >= 10
    assert ours == theirs  # the same JSON: the debounced call that follows sends nothing


def test_the_value_reads_the_same_globals_and_map_calls(index):
    update = _squash(_function(index, "updateComponentValue"))
    for line in ("last_clicked: wrapLatLng(global_data.lat_lng_clicked)",
                 "last_object_clicked: wrapLatLng(global_data.last_object_clicked)",
                 "bounds: wrapBounds(bounds)", "zoom: zoom", "center: wrapLatLng(center)",
                 "selected_layers: Object.values(global_data.selected_layers)",
                 "let bounds = map.getBounds()", "let zoom = map.getZoom()",
                 "let center = map.getCenter()", "const wrapLng = global_data.wrap_longitude",
                 "return map.wrapLatLng(latlng)", "return map.wrapLatLngBounds(b)"):  # fmt: skip
        assert line in update, line
    # every other key is the global of the same name
    for key in _keys(_braced(HOOK, "var all = {")):
        if f"{key}: g.{key}," in HOOK or f"{key}: g.{key}\n" in HOOK:
            assert f"{key}: global_data.{key}" in update, key
    # every global the hook reads is one streamlit-folium keeps
    kept = set(_keys(_braced(index, "window.__GLOBAL_DATA__ = {")))
    assert set(re.findall(r"\bg\.(\w+)", HOOK)) <= kept


def test_returned_objects_filter_the_value_and_previous_data_stops_a_second_send(index):
    update = _squash(_function(index, "updateComponentValue"))
    send = (
        "if (JSON.stringify(previous_data) !== JSON.stringify(data)) {"
        " global_data.previous_data = data Streamlit.setComponentValue(data) }"
    )
    for line in (
        "let to_return = global_data.returned_objects",
        "if (to_return) {",
        "global_data.returned_objects.includes(key)",
        "data = _data",
        send,
    ):
        assert line in update, line
    # the hook: the same filter, the same comparison, previous_data set before it posts
    hook = _squash(HOOK)
    assert "if (!g.returned_objects) { return all; }" in hook
    assert "g.returned_objects.indexOf(k) !== -1" in hook
    assert "JSON.stringify(g.previous_data) === JSON.stringify(data)" in hook
    assert hook.index("g.previous_data = data;") < hook.index("window.parent.postMessage(")


def test_a_click_is_recorded_at_once_and_sent_after_a_debounce(index):
    """What the hook waits for (the click recorded) and what it replaces (the debounce)."""
    source = _squash(index)
    assert "let debouncedUpdateComponentValue = debounce(updateComponentValue, 250)" in source
    on_map = _squash(_function(index, "onMapClick"))
    assert "global_data.lat_lng_clicked = e.latlng" in on_map
    on_layer = _squash(_function(index, "onLayerClick"))
    assert "global_data.last_object_clicked = e.latlng || null" in on_layer
    assert "global_data.last_object_clicked_count += 1" in on_layer
    init = _squash(index[index.index("window.initComponent = ") :])
    assert 'map.on("click", onMapClick)' in init
    assert 'layer.on("click", onLayerClick)' in init
    assert "window.map = map_div; window.initComponent(map_div" in source
    assert "previous_data: _default," in source  # the first value compared is the default


def test_the_message_is_streamlits_component_value(index):
    lib = next(
        text
        for name, text in _sources().items()
        if name.endswith("streamlit-component-lib/dist/streamlit.js")
    )
    lib = _squash(lib)
    assert 'ComponentMessageType["SET_COMPONENT_VALUE"] = "streamlit:setComponentValue"' in lib
    assert (
        'window.parent.postMessage(__assign({ isStreamlitMessage: true, type: type }, data), "*")'
    ) in lib
    assert 'dataType = "json";' in lib
    assert "value: value, dataType: dataType" in lib
    hook = _squash(HOOK)
    assert (
        "window.parent.postMessage({isStreamlitMessage: true, type:"
        ' "streamlit:setComponentValue", value: data, dataType: "json"}, "*")'
    ) in hook


def test_every_map_carries_the_hook_once():
    generate = pytest.importorskip("streamlit_folium").generate_leaflet_string
    m = maps.new_map(bounds=(120.1, 30.2, 120.2, 30.3))
    m.get_root().render()
    script = generate(m)
    assert script.count("gm.clickSend = function(") == 1
    assert script.count("L.gridmap.clickSend(") == 1
    assert script.index("gm.clickSend = function(") < script.index("L.gridmap.clickSend(")
