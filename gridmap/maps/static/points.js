// gridmap points: markers from compact arrays, added in one call to a marker cluster
// (gridmap.maps.leaflet.PointLayer). Each style may name a symbol ("shape": square,
// triangle, diamond, star; circle by default) drawn by gridmap's own path, on SVG or canvas.
(function(gm) {
function shapeCorners(shape, r) {  // as gridmap.maps.styles.symbol_points
    if (shape === "square") { var s = 0.88 * r; return [[-s, -s], [s, -s], [s, s], [-s, s]]; }
    if (shape === "triangle") { return [[0, -1.2 * r], [1.1 * r, 0.75 * r], [-1.1 * r, 0.75 * r]]; }
    if (shape === "diamond") { return [[0, -1.25 * r], [1.25 * r, 0], [0, 1.25 * r], [-1.25 * r, 0]]; }
    if (shape === "star") {
        var out = [];
        for (var i = 0; i < 10; i++) {
            var rad = i % 2 === 0 ? 1.35 * r : 0.6 * r, a = Math.PI * (i / 5 - 0.5);
            out.push([rad * Math.cos(a), rad * Math.sin(a)]);
        }
        return out;
    }
    return null;
}
gm.shapeCorners = shapeCorners;
var Symbol_ = L.CircleMarker.extend({
    _updatePath: function() {
        var corners = shapeCorners(this.options.shape, this._radius), R = this._renderer;
        if (!corners) { return L.CircleMarker.prototype._updatePath.call(this); }
        var p = this._point;
        if (L.Canvas && R instanceof L.Canvas) {
            if (!R._drawing || this._empty()) { return; }
            var ctx = R._ctx;
            ctx.beginPath();
            for (var i = 0; i < corners.length; i++) {
                ctx[i ? "lineTo" : "moveTo"](p.x + corners[i][0], p.y + corners[i][1]);
            }
            ctx.closePath();
            R._fillStroke(ctx, this);
        } else {
            var d = "";
            for (var j = 0; j < corners.length; j++) {
                d += (j ? "L" : "M") + (p.x + corners[j][0]) + "," + (p.y + corners[j][1]);
            }
            R._setPath(this, this._empty() ? "M0 0" : d + "z");
        }
    }
});
gm.points = function(parent, D) {
    var T = {cols: D.cols, tip: D.tip}, xy = D.xy, cat = D.cat, n = cat.length;
    var markers = new Array(n);
    for (var i = 0; i < n; i++) {
        var mk = new Symbol_([xy[2 * i + 1], xy[2 * i]], D.styles[cat[i]]);
        mk._gm = i;
        mk._gmt = T;
        markers[i] = mk;
    }
    if (parent.addLayers) { parent.addLayers(markers); }
    else { for (var j = 0; j < n; j++) { parent.addLayer(markers[j]); } }
};
})(L.gridmap = L.gridmap || {});
