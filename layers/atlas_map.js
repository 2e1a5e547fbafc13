/* Settlement Atlas map layers (inlined into every map by layers/maps.py; no other file needed).
 *
 * Decodes the compact geometry of layers/encoding.py and draws:
 *  - settlements: an L.GeoJSON of polygons, filled by class, with a plain-words tooltip;
 *  - wards: dashed outlines and name labels;
 *  - service points: one canvas. Below `individualZoom` points are summed per screen cell
 *    (`cellPx` pixels) and each cell is drawn as a pie of working/broken/unknown with its count;
 *    from that zoom on, each point in view is drawn. Hover or tap shows a tooltip.
 * Works without Leaflet for the pure parts (decoding, cell counts), so node can test them.
 */
var atlasMap = (function () {
  "use strict";

  /* Zigzag base-128 varints (base64 text) -> Float64Array of integers (exact to 2^53). */
  function decodeInts(text) {
    var bin = atob(text), out = new Float64Array(bin.length), n = 0, value = 0, scale = 1;
    for (var i = 0; i < bin.length; i++) {
      var b = bin.charCodeAt(i);
      value += (b & 0x7f) * scale;
      if (b & 0x80) { scale *= 128; continue; }
      out[n++] = value % 2 ? -(value + 1) / 2 : value / 2;
      value = 0; scale = 1;
    }
    return out.subarray(0, n);
  }

  /* One shape string -> polygons -> rings -> vertex(lng, lat) of each vertex, rings open. */
  function decodeRings(text, grid, vertex) {
    var v = decodeInts(text), k = 0, parts = v[k++], layout = [], p, r, j;
    for (p = 0; p < parts; p++) {
      var rings = v[k++], sizes = [];
      for (r = 0; r < rings; r++) sizes.push(v[k++]);
      layout.push(sizes);
    }
    var x = 0, y = 0, polygons = [];
    for (p = 0; p < parts; p++) {
      var polygon = [];
      for (r = 0; r < layout[p].length; r++) {
        var ring = new Array(layout[p][r]);
        for (j = 0; j < ring.length; j++) {
          x += v[k++]; y += v[k++];
          ring[j] = vertex(grid[0] + x * grid[2], grid[1] + y * grid[2]);
        }
        polygon.push(ring);
      }
      polygons.push(polygon);
    }
    return polygons;
  }

  /* One shape string -> a GeoJSON Polygon or MultiPolygon (rings closed). */
  function decodeShape(text, grid) {
    var polygons = decodeRings(text, grid, function (x, y) { return [x, y]; });
    polygons.forEach(function (polygon) {
      polygon.forEach(function (ring) { ring.push(ring[0].slice()); });
    });
    return polygons.length === 1 ? {type: "Polygon", coordinates: polygons[0]}
                                 : {type: "MultiPolygon", coordinates: polygons};
  }

  /* A point string -> {lng, lat, code} typed arrays. */
  function decodePoints(text, grid) {
    var v = decodeInts(text), n = v.length / 3, x = 0, y = 0;
    var out = {lng: new Float64Array(n), lat: new Float64Array(n), code: new Uint32Array(n)};
    for (var i = 0; i < n; i++) {
      x += v[3 * i]; y += v[3 * i + 1];
      out.lng[i] = grid[0] + x * grid[2];
      out.lat[i] = grid[1] + y * grid[2];
      out.code[i] = v[3 * i + 2];
    }
    return out;
  }

  /* Web Mercator in [0, 1] (times 256 * 2^zoom gives Leaflet's pixel coordinates). */
  function mercator(lng, lat) {
    var s = Math.sin(Math.max(Math.min(lat, 85.0511287798), -85.0511287798) * Math.PI / 180);
    return [(lng + 180) / 360, 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)];
  }

  /* Points summed per cell of `cellPx` screen pixels at `zoom`: [{x, y, counts}], x and y the
     mean position of the cell's points in pixels, counts per status. */
  function cellCounts(mx, my, status, nStatus, zoom, cellPx) {
    var scale = 256 * Math.pow(2, zoom), cells = new Map(), list = [];
    for (var i = 0; i < mx.length; i++) {
      var px = mx[i] * scale, py = my[i] * scale;
      var key = Math.floor(px / cellPx) * 4294967296 + Math.floor(py / cellPx);
      var cell = cells.get(key);
      if (!cell) {
        cell = {x: 0, y: 0, n: 0, counts: new Array(nStatus).fill(0)};
        cells.set(key, cell);
        list.push(cell);
      }
      cell.x += px; cell.y += py; cell.n += 1; cell.counts[status[i]] += 1;
    }
    for (var c = 0; c < list.length; c++) { list[c].x /= list[c].n; list[c].y /= list[c].n; }
    return list;
  }

  function groupDigits(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, " "); }

  if (typeof L === "undefined") {
    return {decodeInts: decodeInts, decodeShape: decodeShape, decodePoints: decodePoints,
            mercator: mercator, cellCounts: cellCounts};
  }

  /* Leaflet polygon of a shape string (LatLng objects made once, no GeoJSON in between). */
  function polygon(text, grid, options) {
    var polygons = decodeRings(text, grid, function (x, y) { return new L.LatLng(y, x); });
    return L.polygon(polygons.length === 1 ? polygons[0] : polygons, options);
  }

  /* Settlements: d = {shapes, ids, names, values, texts, headline, detail, cls, colours,
     noData, heavy}; cls[i] < 0 means no data; heavy lists the outlined (selected) rows.
     An L.GeoJSON whose polygons carry GeoJSON features, so a clicked one gives its
     properties (toGeoJSON) and resetStyle works. */
  function settlements(d, grid, style) {
    var heavy = {};
    for (var h = 0; h < d.heavy.length; h++) heavy[d.heavy[h]] = true;
    function look(feature) {
      var i = Number(feature.id), c = d.cls[i];
      return L.extend({fillColor: c < 0 ? d.noData : d.colours[c]}, style.fill,
                      heavy[i] ? style.selected : style.outline);
    }
    var layer = L.geoJSON(null, {style: look, smoothFactor: 0.5});
    for (var i = 0; i < d.shapes.length; i++) {
      var feature = {
        type: "Feature", id: String(i), geometry: null,
        properties: {settlement_id: d.ids[i], name: d.names[i], value: d.values[i],
                     headline: d.texts[d.headline[i]], detail: d.texts[d.detail[i]]}
      };
      var l = polygon(d.shapes[i], grid, L.extend({smoothFactor: 0.5}, look(feature)));
      l.feature = feature;
      l.defaultOptions = l.options;
      l.on("mouseover", function (e) { e.target.setStyle(style.highlight); });
      l.on("mouseout", function (e) { layer.resetStyle(e.target); });
      layer.addLayer(l);
    }
    layer.bindTooltip(function (l) {
      var p = l.feature.properties;
      return "<table><tr><td>" + p.name + "</td></tr><tr><td>" + p.headline +
             "</td></tr><tr><td>" + p.detail + "</td></tr></table>";
    }, {sticky: true, className: "atlas-tip"});
    return layer;
  }

  /* Wards: d = {shapes, labels, anchors}; outlines take no clicks, labels are text. */
  function wards(d, grid, style) {
    var group = L.featureGroup(), options = L.extend({interactive: false}, style);
    for (var i = 0; i < d.shapes.length; i++) polygon(d.shapes[i], grid, options).addTo(group);
    for (var j = 0; j < d.labels.length; j++) {
      L.marker([d.anchors[j][1], d.anchors[j][0]], {
        interactive: false, keyboard: false,
        icon: L.divIcon({className: "atlas-ward-label", html: d.labels[j],
                         iconSize: [160, 20], iconAnchor: [80, 10]})
      }).addTo(group);
    }
    return group;
  }

  /* Service points of one category on a canvas: counted per cell when zoomed out. */
  var Points = L.Layer.extend({
    initialize: function (d, grid) {
      this._d = d; this._grid = grid; this._cells = {}; this._drawn = [];
    },
    /* Decoded when first shown: a hidden category costs nothing. */
    _decode: function () {
      if (this._mx) return;
      var d = this._d, p = decodePoints(d.data, this._grid), n = p.lng.length;
      this._mx = new Float64Array(n); this._my = new Float64Array(n);
      this._status = new Uint8Array(n); this._code = p.code;
      for (var i = 0; i < n; i++) {
        var m = mercator(p.lng[i], p.lat[i]);
        this._mx[i] = m[0]; this._my[i] = m[1]; this._status[i] = d.codes[p.code[i]][0];
      }
    },
    size: function () { this._decode(); return this._mx.length; },
    onAdd: function (map) {
      this._decode();
      if (!map.getPane("atlasPoints")) {
        map.createPane("atlasPoints").style.zIndex = 450;
        map.getPane("atlasPoints").style.pointerEvents = "none";
      }
      this._canvas = L.DomUtil.create("canvas", "atlas-points", map.getPane("atlasPoints"));
      this._tip = L.tooltip({direction: "top", offset: [0, -8], className: "atlas-tip"});
      map.on("moveend resize", this._redraw, this);
      map.on("zoomstart", this._hide, this);
      map.on("mousemove click", this._hover, this);
      map.on("mouseout", this._unhover, this);
      this._redraw();
    },
    onRemove: function (map) {
      map.off("moveend resize", this._redraw, this);
      map.off("zoomstart", this._hide, this);
      map.off("mousemove click", this._hover, this);
      map.off("mouseout", this._unhover, this);
      this._unhover();
      L.DomUtil.remove(this._canvas);
    },
    individual: function () {
      return this.size() <= this._d.threshold || this._map.getZoom() >= this._d.individualZoom;
    },
    cells: function (zoom) {
      if (!this._cells[zoom]) {
        this._cells[zoom] = cellCounts(this._mx, this._my, this._status, 3, zoom, this._d.cellPx);
      }
      return this._cells[zoom];
    },
    _hide: function () { this._canvas.style.visibility = "hidden"; this._unhover(); },
    _redraw: function () {
      var map = this._map, size = map.getSize(), ratio = window.devicePixelRatio || 1;
      var topLeft = map.containerPointToLayerPoint([0, 0]);
      var origin = map.getPixelOrigin().add(topLeft), zoom = map.getZoom();
      var canvas = this._canvas, ctx = canvas.getContext("2d");
      L.DomUtil.setPosition(canvas, topLeft);
      canvas.width = size.x * ratio; canvas.height = size.y * ratio;
      canvas.style.width = size.x + "px"; canvas.style.height = size.y + "px";
      canvas.style.visibility = "visible";
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      this._origin = origin; this._drawn = [];
      var scale = 256 * Math.pow(2, zoom), colours = this._d.colours, margin = 24, i, x, y;
      ctx.lineWidth = 1; ctx.strokeStyle = "#1a1a1a";
      if (this.individual()) {
        for (i = 0; i < this._mx.length; i++) {
          x = this._mx[i] * scale - origin.x; y = this._my[i] * scale - origin.y;
          if (x < -margin || y < -margin || x > size.x + margin || y > size.y + margin) continue;
          ctx.beginPath(); ctx.arc(x, y, 5, 0, 2 * Math.PI);
          ctx.fillStyle = colours[this._status[i]]; ctx.globalAlpha = 0.95; ctx.fill();
          ctx.globalAlpha = 1; ctx.stroke();
          this._drawn.push([x, y, 7, i]);
        }
        return;
      }
      var cells = this.cells(zoom);
      ctx.font = "600 10px system-ui, sans-serif"; ctx.textAlign = "center";
      ctx.textBaseline = "middle"; ctx.lineJoin = "round";
      for (i = 0; i < cells.length; i++) {
        var cell = cells[i];
        x = cell.x - origin.x; y = cell.y - origin.y;
        if (x < -margin || y < -margin || x > size.x + margin || y > size.y + margin) continue;
        var r = cell.n === 1 ? 5 : Math.min(14, 6 + 2.5 * Math.log10(cell.n));
        var start = -Math.PI / 2;
        for (var s = 0; s < 3; s++) {
          if (!cell.counts[s]) continue;
          var end = start + 2 * Math.PI * cell.counts[s] / cell.n;
          ctx.beginPath(); ctx.moveTo(x, y); ctx.arc(x, y, r, start, end); ctx.closePath();
          ctx.fillStyle = colours[s]; ctx.fill();
          start = end;
        }
        ctx.beginPath(); ctx.arc(x, y, r, 0, 2 * Math.PI); ctx.stroke();
        if (cell.n > 1) {
          ctx.lineWidth = 3; ctx.strokeStyle = "#ffffff"; ctx.strokeText(groupDigits(cell.n), x, y);
          ctx.fillStyle = "#1a1a1a"; ctx.fillText(groupDigits(cell.n), x, y);
          ctx.lineWidth = 1; ctx.strokeStyle = "#1a1a1a";
        }
        this._drawn.push([x, y, r + 2, cell]);
      }
    },
    _hover: function (e) {
      var p = e.containerPoint, best = null, bestD = Infinity;
      for (var i = 0; i < this._drawn.length; i++) {
        var it = this._drawn[i], dx = it[0] - p.x, dy = it[1] - p.y, dd = dx * dx + dy * dy;
        if (dd <= it[2] * it[2] && dd < bestD) { best = it; bestD = dd; }
      }
      if (!best) { this._unhover(); return; }
      this._map.getContainer().style.cursor = "pointer";
      var at = this._map.containerPointToLatLng([best[0], best[1]]);
      this._tip.setLatLng(at).setContent(this._tipText(best[3]));
      if (!this._map.hasLayer(this._tip)) this._tip.openOn(this._map);
    },
    _unhover: function () {
      if (this._map) {
        this._map.getContainer().style.cursor = "";
        if (this._map.hasLayer(this._tip)) this._map.closeTooltip(this._tip);
      }
    },
    _tipText: function (item) {
      if (typeof item === "number") return this._d.codes[this._code[item]][1];
      /* The words come from Python in the page's language (d.words); no English here. */
      var d = this._d, said = d.words || {}, names = said.statuses || d.statuses, words = [];
      for (var s = 0; s < 3; s++) words.push(groupDigits(item.counts[s]) + " " + names[s]);
      return "<b>" + groupDigits(item.n) + " " + (item.n === 1 ? d.noun[0] : d.noun[1]) +
             "</b><br>" + words.join(" · ") + (said.zoom ? "<br>" + said.zoom : "");
    }
  });

  return {decodeInts: decodeInts, decodeShape: decodeShape, decodePoints: decodePoints,
          mercator: mercator, cellCounts: cellCounts, settlements: settlements, wards: wards,
          points: function (d, grid) { return new Points(d, grid); }};
})();
if (typeof module !== "undefined") module.exports = atlasMap;
