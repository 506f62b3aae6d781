// gridmap bind: one popup and one hover tooltip for a whole layer, filled from escaped
// values when opened (gridmap.maps.leaflet.Bind).
(function(gm) {
gm.bind = function(group, heads, fallback, withTip) {
    function values(l) {
        if (l._gmt) {
            var T = l._gmt, i = l._gm;
            return T.cols.map(function(c) { return c.d ? c.d[c.i[i]] : c.v[i]; });
        }
        var p = l.feature && l.feature.properties;
        return (p && p.v) || [];
    }
    function tip(l) {
        if (l._gmt) {
            var c = l._gmt.tip, i = l._gm;
            return (c && (c.d ? c.d[c.i[i]] : c.v[i])) || fallback;
        }
        var p = l.feature && l.feature.properties;
        return (p && p.t) || fallback;
    }
    if (heads.length) {
        group.bindPopup(function(l) {
            var v = values(l), rows = "";
            for (var i = 0; i < heads.length; i++) {
                if (v[i]) { rows += "<tr><th>" + heads[i] + "</th><td>" + v[i] + "</td></tr>"; }
            }
            return '<table class="gridmap-popup">'
                + (rows || "<tr><td>" + fallback + "</td></tr>") + "</table>";
        }, {maxWidth: 360});
    }
    if (withTip) { group.bindTooltip(tip, {sticky: true}); }
};
})(L.gridmap = L.gridmap || {});
