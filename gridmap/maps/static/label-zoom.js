// gridmap label zoom: hides permanent grid labels below minZoom with a class on the map
// container (gridmap.maps.leaflet.LabelZoom).
(function(gm) {
gm.labelZoom = function(group, minZoom) {
    function update(map) {
        var c = map.getContainer();
        if (map.getZoom() >= minZoom) { L.DomUtil.removeClass(c, "gridmap-labels-hidden"); }
        else { L.DomUtil.addClass(c, "gridmap-labels-hidden"); }
    }
    group.on("add", function() {
        var map = group._map;
        if (!map) { return; }
        update(map);
        if (!map._gridmapLabelZoom) {
            map._gridmapLabelZoom = true;
            map.on("zoomend", function() { update(map); });
        }
    });
};
})(L.gridmap = L.gridmap || {});
