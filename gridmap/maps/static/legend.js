// gridmap legend: a Leaflet control holding pre-escaped HTML, shown with its layer
// (gridmap.maps.leaflet.Legend).
(function(gm) {
gm.legend = function(parent, html, position) {
    var ctrl = L.control({position: position});
    ctrl.onAdd = function(map) {
        var div = L.DomUtil.create("div", "gridmap-legend");
        div.innerHTML = html;
        // collapsible: the title folds the legend away (folded from the start on a phone)
        var title = div.querySelector(".gridmap-legend-title");
        if (title) {
            title.setAttribute("role", "button");
            title.setAttribute("tabindex", "0");
            var fold = function() { L.DomUtil.hasClass(div, "gridmap-legend-folded")
                ? L.DomUtil.removeClass(div, "gridmap-legend-folded")
                : L.DomUtil.addClass(div, "gridmap-legend-folded"); };
            L.DomEvent.on(title, "click", fold);
            L.DomEvent.on(title, "keydown", function(e) {
                if (e.key === "Enter" || e.key === " ") { L.DomEvent.preventDefault(e); fold(); }
            });
            if (map.getSize().x < 600) { L.DomUtil.addClass(div, "gridmap-legend-folded"); }
        }
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
    };
    if (parent instanceof L.Map) {
        ctrl.addTo(parent);
    } else {
        parent.on("add", function() { if (parent._map) { ctrl.addTo(parent._map); } });
        parent.on("remove", function() { ctrl.remove(); });
    }
};
})(L.gridmap = L.gridmap || {});
