// gridmap pick: on a picking map a tap anywhere shows a marker where it landed, and the
// locate button reports the device's position (the browser's geolocation) the same way a
// tap does: as a click on the map (gridmap.maps.leaflet.Pick).
(function(gm) {
// WGS-84 -> GCJ-02, for a map drawn shifted for the Amap basemap
function gcj(lat, lng) {
    var a = 6378245.0, ee = 0.00669342162296594323, x = lng - 105.0, y = lat - 35.0;
    var dLat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y
        + 0.2 * Math.sqrt(Math.abs(x));
    var dLng = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    var s = Math.sin, P = Math.PI;
    var w = (20.0 * s(6.0 * x * P) + 20.0 * s(2.0 * x * P)) * 2.0 / 3.0;
    dLat += w + (20.0 * s(y * P) + 40.0 * s(y / 3.0 * P)) * 2.0 / 3.0
        + (160.0 * s(y / 12.0 * P) + 320 * s(y * P / 30.0)) * 2.0 / 3.0;
    dLng += w + (20.0 * s(x * P) + 40.0 * s(x / 3.0 * P)) * 2.0 / 3.0
        + (150.0 * s(x / 12.0 * P) + 300.0 * s(x / 30.0 * P)) * 2.0 / 3.0;
    var r = lat / 180.0 * P, m = 1 - ee * s(r) * s(r), q = Math.sqrt(m);
    dLat = (dLat * 180.0) / ((a * (1 - ee)) / (m * q) * P);
    dLng = (dLng * 180.0) / (a / q * Math.cos(r) * P);
    return [lat + dLat, lng + dLng];
}
gm.pick = function(map, o) {
    var mark = null;
    function show(ll) {
        if (mark) { mark.setLatLng(ll); return; }
        mark = L.circleMarker(ll, {radius: 9, color: "#ffffff", weight: 3, fillColor: "#d62728",
                                   fillOpacity: 1, interactive: false});
        mark.addTo(map);
    }
    map.on("click", function(e) { show(e.latlng); });
    if (o.at) { show(L.latLng(o.at[0], o.at[1])); }
    if (!o.locate) { return; }
    var Locate = L.Control.extend({
        options: {position: "topleft"},
        onAdd: function() {
            var box = L.DomUtil.create("div", "leaflet-bar gridmap-locate");
            var b = L.DomUtil.create("a", "", box), note = L.DomUtil.create("span", "", box);
            b.href = "#";
            b.title = o.locate;
            b.setAttribute("role", "button");
            b.setAttribute("aria-label", o.locate);
            b.textContent = "\u25CE";
            L.DomEvent.disableClickPropagation(box);
            L.DomEvent.on(b, "click", function(ev) {
                L.DomEvent.preventDefault(ev);
                if (!navigator.geolocation) { note.textContent = o.failed; return; }
                note.textContent = o.busy;
                navigator.geolocation.getCurrentPosition(function(p) {
                    var lat = p.coords.latitude, lng = p.coords.longitude;
                    if (o.shift) { var g = gcj(lat, lng); lat = g[0]; lng = g[1]; }
                    var ll = L.latLng(lat, lng);
                    note.textContent = "";
                    map.setView(ll, Math.max(map.getZoom(), 17));
                    map.fire("click", {latlng: ll, layerPoint: map.latLngToLayerPoint(ll),
                                       containerPoint: map.latLngToContainerPoint(ll)});
                }, function() {
                    note.textContent = o.failed;
                }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 30000});
            });
            return box;
        }
    });
    new Locate().addTo(map);
};
})(L.gridmap = L.gridmap || {});
