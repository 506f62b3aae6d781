// gridmap canvas points: every point of a large layer drawn by one Leaflet layer on its
// own <canvas>, with clicks and hovers matched to the nearest point
// (gridmap.maps.leaflet.CanvasPoints).
(function(gm) {
gm.canvasPoints = function(parent, D) {
    var T = {cols: D.cols, tip: D.tip}, xy = D.xy, cat = D.cat, n = cat.length;
    var styles = D.styles, CELL = 16, PAD = 0.1;
    function shapeCorners(shape, r) {  // as gridmap.maps.styles.symbol_points
        if (shape === "square") { var q = 0.88 * r; return [[-q, -q], [q, -q], [q, q], [-q, q]]; }
        if (shape === "triangle") { return [[0, -1.2 * r], [1.1 * r, 0.75 * r], [-1.1 * r, 0.75 * r]]; }
        if (shape === "diamond") { return [[0, -1.25 * r], [1.25 * r, 0], [0, 1.25 * r], [-1.25 * r, 0]]; }
        if (shape === "star") {
            var out = [];
            for (var i = 0; i < 10; i++) {
                var rr = i % 2 === 0 ? 1.35 * r : 0.6 * r, a = Math.PI * (i / 5 - 0.5);
                out.push([rr * Math.cos(a), rr * Math.sin(a)]);
            }
            return out;
        }
        return null;
    }
    function sprite(st, dpr) {  // a circle filled and stroked as L.Canvas does
        var rad = st.radius || 4, lw = st.weight == null ? 3 : st.weight,
            half = Math.ceil((1.35 * rad + lw / 2 + 1) * dpr), off = typeof OffscreenCanvas === "function",
            c = off ? new OffscreenCanvas(2 * half, 2 * half) : document.createElement("canvas");
        c.width = c.height = 2 * half;
        var g = c.getContext("2d");
        g.setTransform(dpr, 0, 0, dpr, half, half);
        g.beginPath();
        var corners = shapeCorners(st.shape, rad);
        if (corners) {
            for (var k = 0; k < corners.length; k++) {
                g[k ? "lineTo" : "moveTo"](corners[k][0], corners[k][1]);
            }
            g.closePath();
        } else {
            g.arc(0, 0, rad, 0, 2 * Math.PI);
        }
        if (st.fill !== false) {
            g.globalAlpha = st.fillOpacity == null ? 0.2 : st.fillOpacity;
            g.fillStyle = st.fillColor || st.color || "#3388ff";
            g.fill();
        }
        if (st.stroke !== false && lw > 0) {
            g.globalAlpha = st.opacity == null ? 1 : st.opacity;
            g.lineWidth = lw;
            g.strokeStyle = st.color || "#3388ff";
            g.stroke();
        }
        // a bitmap is stamped much faster than a canvas, which is snapshotted each time
        var img = off ? c.transferToImageBitmap() : c;
        img.half = half;
        return img;
    }
    var GridmapCanvasPoints = L.Layer.extend({
        options: {pane: "overlayPane"},
        initialize: function() {
            this._r = styles.reduce(function(r, s) {
                return Math.max(r, (s.radius || 4) + (s.weight == null ? 3 : s.weight) / 2);
            }, 0);
        },
        _project: function(map) {
            if (this._crs === map.options.crs) { return; }
            var crs = this._crs = map.options.crs, X = this._X = new Float64Array(n),
                Y = this._Y = new Float64Array(n), s0 = crs.scale(0);
            for (var i = 0; i < n; i++) {
                var p = crs.latLngToPoint(L.latLng(xy[2 * i + 1], xy[2 * i]), 0);
                X[i] = p.x / s0; Y[i] = p.y / s0;
            }
        },
        // no focusable element: tooltips bound to the group skip their focus hooks
        getElement: function() { return null; },
        getEvents: function() {
            return {moveend: this._draw, zoomend: this._draw, resize: this._draw,
                    viewreset: this._draw, click: this._onClick,
                    mousemove: this._onMove, mouseout: this._onOut};
        },
        onAdd: function(map) {
            var c = this._canvas = L.DomUtil.create("canvas", "leaflet-zoom-hide");
            c.style.pointerEvents = "none";
            this.getPane().appendChild(c);
            this._project(map);
            this._draw();
        },
        onRemove: function() {
            this._onOut();
            L.DomUtil.remove(this._canvas);
            this._canvas = this._sx = this._sy = this._head = this._next = null;
        },
        _draw: function() {
            var map = this._map, c = this._canvas;
            if (!map || !c) { return; }
            var size = map.getSize(), pad = size.multiplyBy(PAD).round(),
                w = size.x + 2 * pad.x, h = size.y + 2 * pad.y,
                topLeft = map.containerPointToLayerPoint([-pad.x, -pad.y]).round(),
                dpr = window.devicePixelRatio || 1;
            L.DomUtil.setPosition(c, topLeft);
            c.width = Math.round(w * dpr); c.height = Math.round(h * dpr);
            c.style.width = w + "px"; c.style.height = h + "px";
            var ctx = c.getContext("2d");
            ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
            // container point = world * scale - (pixelOrigin - mapPanePos); canvas adds pad
            var scale = map.options.crs.scale(map.getZoom()),
                off = map.getPixelOrigin().subtract(map._getMapPanePos()).subtract(pad),
                X = this._X, Y = this._Y, r = this._r, tol = Math.max(6, r + 2);
            var cols = Math.ceil(w / CELL) + 1, rows = Math.ceil(h / CELL) + 1;
            var sx = this._sx = new Float32Array(n), sy = this._sy = new Float32Array(n);
            var head = this._head = new Int32Array(cols * rows).fill(-1),
                next = this._next = new Int32Array(n);
            this._cols = cols; this._rows = rows; this._pad = pad; this._tol = tol;
            // one pre-drawn circle per style, stamped in point order like Leaflet's renderer
            var sprites = styles.map(function(st) { return sprite(st, dpr); });
            ctx.setTransform(1, 0, 0, 1, 0, 0);
            for (var i = 0; i < n; i++) {
                var x = X[i] * scale - off.x, y = Y[i] * scale - off.y, sp = sprites[cat[i]];
                sx[i] = x; sy[i] = y;
                if (x < -r || y < -r || x > w + r || y > h + r) { continue; }
                var cx = Math.floor(x / CELL), cy = Math.floor(y / CELL);
                if (cx < 0) { cx = 0; } else if (cx >= cols) { cx = cols - 1; }
                if (cy < 0) { cy = 0; } else if (cy >= rows) { cy = rows - 1; }
                var cell = cy * cols + cx;
                next[i] = head[cell]; head[cell] = i;
                ctx.drawImage(sp, Math.round(x) * dpr - sp.half, Math.round(y) * dpr - sp.half);
            }
            ctx.globalAlpha = 1;
        },
        _hit: function(cp) {
            if (!this._head) { return -1; }
            var x = cp.x + this._pad.x, y = cp.y + this._pad.y, tol = this._tol,
                best = -1, bestD = tol * tol, cols = this._cols, rows = this._rows;
            var x0 = Math.max(0, Math.floor((x - tol) / CELL)),
                x1 = Math.min(cols - 1, Math.floor((x + tol) / CELL)),
                y0 = Math.max(0, Math.floor((y - tol) / CELL)),
                y1 = Math.min(rows - 1, Math.floor((y + tol) / CELL));
            for (var cy = y0; cy <= y1; cy++) {
                for (var cx = x0; cx <= x1; cx++) {
                    for (var i = this._head[cy * cols + cx]; i >= 0; i = this._next[i]) {
                        var dx = this._sx[i] - x, dy = this._sy[i] - y, d = dx * dx + dy * dy;
                        // later points are drawn on top: prefer them on ties
                        if (d < bestD || (d === bestD && i > best)) { best = i; bestD = d; }
                    }
                }
            }
            return best;
        },
        _stand: function(i) {
            var s = new L.Evented();
            s._map = this._map; s._gm = i; s._gmt = T;
            s._latlng = L.latLng(xy[2 * i + 1], xy[2 * i]);
            s.getLatLng = function() { return this._latlng; };
            s.getElement = function() { return null; };
            return s;
        },
        _onClick: function(e) {
            var i = this._hit(e.containerPoint);
            if (i < 0) { return; }
            var s = this._stand(i);
            this.fire("click", {layer: s, latlng: s._latlng,
                                containerPoint: e.containerPoint,
                                originalEvent: e.originalEvent}, true);
        },
        _onMove: function(e) {
            var i = this._hit(e.containerPoint), cur = this._hover;
            if (cur && cur._gm === i) {
                this.fire("mousemove", {layer: cur, latlng: e.latlng,
                                        containerPoint: e.containerPoint}, true);
                return;
            }
            this._onOut();
            if (i < 0) { return; }
            var s = this._hover = this._stand(i);
            this._map.getContainer().style.cursor = "pointer";
            this.fire("mouseover", {layer: s, latlng: e.latlng,
                                    containerPoint: e.containerPoint}, true);
        },
        _onOut: function() {
            var cur = this._hover;
            if (!cur) { return; }
            this._hover = null;
            if (this._map) {
                this._map.getContainer().style.cursor = "";
            }
            this.fire("mouseout", {layer: cur}, true);
        }
    });
    parent.addLayer(new GridmapCanvasPoints());
};
})(L.gridmap = L.gridmap || {});
