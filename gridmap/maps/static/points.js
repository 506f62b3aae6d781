// gridmap points: circle markers from compact arrays, added in one call to a marker
// cluster (gridmap.maps.leaflet.PointLayer).
(function(gm) {
gm.points = function(parent, D) {
    var T = {cols: D.cols, tip: D.tip}, xy = D.xy, cat = D.cat, n = cat.length;
    var markers = new Array(n);
    for (var i = 0; i < n; i++) {
        var mk = L.circleMarker([xy[2 * i + 1], xy[2 * i]], D.styles[cat[i]]);
        mk._gm = i;
        mk._gmt = T;
        markers[i] = mk;
    }
    if (parent.addLayers) { parent.addLayers(markers); }
    else { for (var j = 0; j < n; j++) { parent.addLayer(markers[j]); } }
};
})(L.gridmap = L.gridmap || {});
