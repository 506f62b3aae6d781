// gridmap click send: in streamlit-folium's frame a click on the map reaches the app at once,
// not after the component's 250 ms debounce (gridmap.maps.leaflet.ClickSend). The value is the
// one streamlit-folium's updateComponentValue builds, keys in its order (a test compares the
// two); previous_data is set, so the debounced call that follows finds no change and sends
// nothing. A popup the click opens pans the map without animation: the view sent is the view
// the pan leaves. Pans and zooms stay debounced. Outside streamlit-folium it does nothing.
(function(gm) {
gm.clickSend = function(map) {
    var seen = [null, null, 0], autopan = false, panBy = map.panBy;
    function value(g) {
        var wrap = g.wrap_longitude, bounds = map.getBounds(), layers = [], k;
        function at(x) { return x && wrap ? map.wrapLatLng(x) : x; }
        for (k in g.selected_layers) { layers.push(g.selected_layers[k]); }
        var all = {
            last_clicked: at(g.lat_lng_clicked),
            last_object_clicked: at(g.last_object_clicked),
            last_object_clicked_count: g.last_object_clicked_count,
            last_object_clicked_tooltip: g.last_object_clicked_tooltip,
            last_object_clicked_popup: g.last_object_clicked_popup,
            all_drawings: g.all_drawings,
            last_active_drawing: g.last_active_drawing,
            last_geocoder_result: g.last_geocoder_result,
            bounds: bounds && wrap ? map.wrapLatLngBounds(bounds) : bounds,
            zoom: map.getZoom(),
            last_circle_radius: g.last_circle_radius,
            last_circle_polygon: g.last_circle_polygon,
            center: at(map.getCenter()),
            selected_layers: layers,
            selected_tags: g.selected_tags
        };
        if (!g.returned_objects) { return all; }
        var out = {};
        for (k in all) { if (g.returned_objects.indexOf(k) !== -1) { out[k] = all[k]; } }
        return out;
    }
    map.on("autopanstart", function() { autopan = !!window.__GLOBAL_DATA__; });
    map.panBy = function(offset, options) {
        if (autopan) { autopan = false; options = L.extend({}, options, {animate: false}); }
        return panBy.call(this, offset, options);
    };
    // on the container, after Leaflet's own handlers: streamlit-folium has recorded the click
    L.DomEvent.on(map.getContainer(), "click", function() {
        var g = window.__GLOBAL_DATA__;
        if (!g) { return; }
        var now = [g.lat_lng_clicked, g.last_object_clicked, g.last_object_clicked_count];
        if (now[0] === seen[0] && now[1] === seen[1] && now[2] === seen[2]) { return; }
        seen = now;  // a click it recorded, not a drag's mouseup or a click on a control
        var data = value(g);
        if (JSON.stringify(g.previous_data) === JSON.stringify(data)) { return; }
        g.previous_data = data;
        window.parent.postMessage({isStreamlitMessage: true, type: "streamlit:setComponentValue",
                                   value: data, dataType: "json"}, "*");
    });
};
})(L.gridmap = L.gridmap || {});
