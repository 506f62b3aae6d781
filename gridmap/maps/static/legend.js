// gridmap legend: a Leaflet control holding pre-escaped HTML, shown with its layer
// (gridmap.maps.leaflet.Legend).
(function(gm) {
gm.legend = function(parent, html, position) {
    var ctrl = L.control({position: position});
    ctrl.onAdd = function(map) {
        var div = L.DomUtil.create("div", "gridmap-legend");
        div.innerHTML = html;
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
