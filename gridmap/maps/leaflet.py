"""gridmap's own Leaflet elements: popups, legends, label toggles, point layers, CSS.

The JavaScript of each element is a real file under ``gridmap/maps/static/``
(package data) that defines one function on ``L.gridmap``; the element's script
calls it with the element's data. The CSS is ``static/gridmap.css``.

How the files reach the browser
    They are read from the package and written into the map's own script, so a
    map needs no file beyond the Leaflet assets of :mod:`gridmap.assets` and
    draws offline wherever Leaflet is served, including the iframe of
    streamlit-folium. In a whole page (:func:`gridmap.maps.map_html`) each file
    is written once, before the first element that calls it, however many
    layers use it; streamlit-folium assembles its script from each element's
    own script, so there each element carries its file (defining the function
    again is harmless).
Plain text, not Jinja
    branca compiles the rendered script of every element as a Jinja template
    before writing it; these elements, and gridmap's GeoJSON layers, write theirs
    as plain text instead (:class:`PlainMacro`), so rendering time does not grow
    with the data through Jinja and ``{{ ... }}`` in user text stays text.
Escaping
    Every text the elements show (popup values, legend HTML, labels) is escaped in
    Python (:func:`gridmap.maps.popups.escape_text`) and carried as JSON; the
    scripts insert it as data, never evaluate it.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any, ClassVar

import folium
from branca.element import Element, Figure, MacroElement
from folium.utilities import JsCode
from jinja2 import Template

from gridmap.errors import InputError

__all__ = [
    "LABEL_ON_EACH_FEATURE",
    "STATIC_FILES",
    "Bind",
    "CanvasPoints",
    "ClickSend",
    "Css",
    "LabelZoom",
    "Legend",
    "MapChrome",
    "Pick",
    "PlainGeoJson",
    "PlainMacro",
    "PointLayer",
    "static_text",
]

#: The files under ``gridmap/maps/static/``: the CSS and one script per element.
STATIC_FILES: tuple[str, ...] = (
    "gridmap.css",
    "bind.js",
    "canvas-points.js",
    "click-send.js",
    "label-zoom.js",
    "legend.js",
    "pick.js",
    "points.js",
)

#: Permanent grid-code labels (the text is escaped in Python before it gets here).
LABEL_ON_EACH_FEATURE = JsCode(
    """function(feature, layer) {
    var p = feature.properties || {};
    if (p.lp) {  // a point inside the polygon: the label goes there, not at the bbox centre
        var at = L.latLng(p.lp[0], p.lp[1]);
        layer.getCenter = function() { return at; };
    }
    if (p.label) {
        layer.bindTooltip(p.label, {permanent: true, direction: "center",
            className: "gridmap-label", interactive: false, opacity: 1});
    }
}"""
)


@functools.cache
def static_text(name: str) -> str:
    """Return the text of a file under ``gridmap/maps/static/``.

    Parameters
    ----------
    name
        One of :data:`STATIC_FILES`, e.g. ``"bind.js"``.

    Returns
    -------
    str
        The file's text (read once per process).

    Raises
    ------
    gridmap.errors.InputError
        If ``name`` is not one of the files.
    """
    if name not in STATIC_FILES:
        msg = f"no map static file {name!r}; the files are: {', '.join(STATIC_FILES)}"
        raise InputError(msg)  # programmer error
    return resources.files(__package__).joinpath("static", name).read_text(encoding="utf-8")


@functools.cache
def _page_text(name: str) -> str:
    """Return a script file as written into a page: without its whole-line ``//`` comments."""
    lines = static_text(name).splitlines()
    return "\n".join(line for line in lines if not line.lstrip().startswith("//"))


def _script_template(call: str) -> Template:
    """Template of an element that calls ``L.gridmap.<fn>``: ``script`` and ``invoke``.

    ``script`` (what streamlit-folium reads) is the element's JS file followed by
    the call; ``invoke`` is the call alone, which :class:`PlainMacro` writes when
    it writes the file once for the whole page.
    """
    return Template(
        "{% macro script(this, kwargs) %}\n{{ this.library_text }}\n"
        + call
        + "\n{% endmacro %}{% macro invoke(this, kwargs) %}\n"
        + call
        + "\n{% endmacro %}"
    )


class _Text(Element):
    """Text written to the page as it is, never compiled as a Jinja template."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs: Any) -> str:
        return self._text


class PlainMacro(MacroElement):
    """A :class:`~branca.element.MacroElement` whose rendered pieces are not re-compiled.

    branca wraps each rendered ``header``/``html``/``script`` macro in a new
    ``Element(text)``, which compiles that text, data included, as a Jinja
    template: rendering then costs time in proportion to the data, and any
    ``{{ ... }}`` in user text would be evaluated. Here the text is added as it
    is. Subclasses of folium layers list this class last so that it replaces
    ``MacroElement.render`` in their method resolution order.

    An element whose script calls a function of a static JS file names the file
    in :attr:`library`; the page then gets the file once, before the first call.
    """

    #: File of :data:`STATIC_FILES` whose function the script calls, or ``None``.
    library: ClassVar[str | None] = None

    @property
    def library_text(self) -> str:
        """The script of :attr:`library` as written into the page (empty without one)."""
        return _page_text(self.library) if self.library else ""

    def _page_name(self) -> str:
        """Name of this element's pieces in the page; equal names are written once."""
        return self.get_name()

    def render(self, **kwargs: Any) -> None:
        """Add the element's pieces (and its script file, once) to the page."""
        figure = self.get_root()
        if not isinstance(figure, Figure):
            msg = "a map element can only be rendered inside a folium map"
            raise InputError(msg)  # programmer error
        module = self._template.module.__dict__
        for part in ("header", "html", "script"):
            macro = module.get(part)
            if macro is None:
                continue
            if part == "script" and self.library:
                name = f"gridmap_js_{self.library}"
                if name not in figure.script._children:
                    figure.script.add_child(_Text(self.library_text), name=name)
                macro = module["invoke"]
            # without the one trailing newline, as the Jinja template would drop it
            text = str(macro(self, kwargs)).removesuffix("\n")
            getattr(figure, part).add_child(_Text(text), name=self._page_name())
        for child in self._children.values():
            child.render(**kwargs)


class PlainGeoJson(folium.GeoJson, PlainMacro):
    """:class:`folium.GeoJson` whose data is written to the page without Jinja."""


class Css(PlainMacro):
    """Adds gridmap's CSS (``static/gridmap.css``) to the page once, from script.

    Injected by script so it also reaches iframes that receive only a layer's
    script, as with streamlit-folium's ``feature_group_to_add``. Every map and
    layer carries one; a whole page writes it once.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
(function() {
    if (!document.getElementById("gridmap-css")) {
        var s = document.createElement("style");
        s.id = "gridmap-css";
        s.textContent = {{ this.css|tojson }};
        document.head.appendChild(s);
    }
})();
{% endmacro %}"""
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "GridmapCss"
        self.css = static_text("gridmap.css").strip()

    def _page_name(self) -> str:
        return "gridmap_css"


class Legend(PlainMacro):
    """A Leaflet control holding pre-escaped legend HTML; shown with its layer."""

    library = "legend.js"
    _template = _script_template(
        "L.gridmap.legend({{ this._parent.get_name() }}, {{ this.html|tojson }}, "
        "{{ this.position|tojson }});"
    )

    def __init__(self, legend_html: str, position: str) -> None:
        super().__init__()
        self._name = "GridmapLegend"
        self.html = legend_html
        self.position = position


class MapChrome(MacroElement):
    """The map's own controls: a metric-only scale bar and an attribution without the flag.

    Leaflet 1.9 prefixes the attribution with a flag and a link; ``setPrefix`` replaces
    it with the plain word "Leaflet".
    """

    _template = Template(
        "{% macro script(this, kwargs) %}\n"
        "(function (map) {\n"
        "    L.control.scale({ metric: true, imperial: false }).addTo(map);\n"
        "    if (map.attributionControl) { map.attributionControl.setPrefix('Leaflet'); }\n"
        "})({{ this._parent.get_name() }});\n"
        "{% endmacro %}"
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "GridmapChrome"


class ClickSend(PlainMacro):
    """In streamlit-folium's frame, sends a map click to the app at once.

    streamlit-folium reports a click through a 250 ms debounce; this element's
    script, after Leaflet and streamlit-folium have handled a click, sends the
    value streamlit-folium would send (its ``returned_objects`` and key order)
    with Streamlit's component message, and stores it as streamlit-folium's
    ``previous_data`` so that the debounced call finds nothing new. A popup the
    click opens pans the map without animation, so the click sends the view the
    pan leaves and the pan sends nothing more: one value, one rerun, per click.
    Pans and zooms stay debounced. Outside streamlit-folium (no
    ``window.__GLOBAL_DATA__``) the script does nothing.
    """

    library = "click-send.js"
    _template = _script_template("L.gridmap.clickSend({{ this._parent.get_name() }});")

    def __init__(self) -> None:
        super().__init__()
        self._name = "GridmapClickSend"


class LabelZoom(PlainMacro):
    """Hides permanent grid labels below ``min_zoom`` (a class on the map container)."""

    library = "label-zoom.js"
    _template = _script_template(
        "L.gridmap.labelZoom({{ this._parent.get_name() }}, {{ this.min_zoom|tojson }});"
    )

    def __init__(self, min_zoom: int) -> None:
        super().__init__()
        self._name = "GridmapLabelZoom"
        self.min_zoom = int(min_zoom)


class Bind(PlainMacro):
    """Binds one popup and one hover tooltip to a whole layer.

    Leaflet passes the clicked feature to the content functions, which build the
    popup table from escaped values: ``feature.properties.v`` / ``.t`` for GeoJSON
    features, the column tables of :class:`PointLayer` for point markers. One
    binding per layer keeps 100,000 markers cheap (no popup object per marker).
    """

    library = "bind.js"
    _template = _script_template(
        "L.gridmap.bind({{ this._parent.get_name() }}, {{ this.heads|tojson }}, "
        "{{ this.fallback|tojson }}, {{ this.with_tip|tojson }});"
    )

    def __init__(self, heads: list[str], fallback: str, *, with_tip: bool) -> None:
        super().__init__()
        self._name = "GridmapBind"
        self.heads = heads
        self.fallback = fallback
        self.with_tip = bool(with_tip)


class Pick(PlainMacro):
    """A picking map's marker where the last tap landed, and a locate button.

    The button asks the browser for the device's position (``navigator.geolocation``,
    allowed on https and on localhost only) and reports it as a click on the map,
    where streamlit-folium's ``last_clicked`` picks it up like a tap. ``shift``
    turns the WGS-84 position into GCJ-02 for a map drawn for the Amap basemap.
    ``at`` (``lat, lon`` in display coordinates) shows an earlier pick.
    """

    library = "pick.js"
    _template = _script_template(
        "L.gridmap.pick({{ this._parent.get_name() }}, {{ this.options_json|tojson }});"
    )

    def __init__(self, *, locate: str | None, failed: str = "", busy: str = "",
                 shift: bool = False, at: tuple[float, float] | None = None) -> None:
        super().__init__()
        self._name = "GridmapPick"
        self.options_json = {"locate": locate, "failed": failed, "busy": busy,
                             "shift": bool(shift), "at": list(at) if at else None}


class PointLayer(PlainMacro):
    """Circle markers from compact arrays (about 50 bytes a point instead of ~500).

    ``data`` holds ``xy`` (flat lon, lat), ``cat`` (style index per point),
    ``styles`` (Leaflet path options), ``cols`` (escaped popup values, either
    ``{"v": [...]}`` or dictionary-encoded ``{"d": [...], "i": [...]}``) and ``tip``.
    Markers go to the parent in one call when it is a marker cluster.
    """

    library = "points.js"
    _template = _script_template(
        "L.gridmap.points({{ this._parent.get_name() }}, {{ this.data|tojson }});"
    )

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__()
        self._name = "GridmapPoints"
        self.data = data


class CanvasPoints(PointLayer):
    """All points of a large layer drawn by one Leaflet layer on its own ``<canvas>``.

    Takes the same ``data`` as :class:`PointLayer` but creates no Leaflet object
    per point: the layer projects the points once and, on ``moveend``/``zoomend``/
    ``resize``, stamps one pre-drawn circle bitmap per style at every point in
    point order (the look of Leaflet's canvas circle markers, about ten times
    faster than filling and stroking 100,000 arcs). A click or the pointer is
    matched to the nearest point within ~6 px through a screen-space grid built
    at each redraw. The layer fires
    ``click``/``mouseover``/``mousemove``/``mouseout`` on its parent with a small
    stand-in layer carrying the point index, so the popup and tooltip bound by
    :class:`Bind` show the same escaped content as for circle markers.
    """

    library = "canvas-points.js"
    _template = _script_template(
        "L.gridmap.canvasPoints({{ this._parent.get_name() }}, {{ this.data|tojson }});"
    )

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(data)
        self._name = "GridmapCanvasPoints"
