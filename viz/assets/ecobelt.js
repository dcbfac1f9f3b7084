/* ecobelt page script: draws each panel's network with vis-network, with a
 * legend, a flow filter and tooltips. The data of panel i is the JSON in
 * <script type="application/json" id="ecobelt-data-i">. Everything the page
 * needs is inline: this script requests nothing from the network. */
(function () {
  "use strict";

  function fmt(value) {
    if (value === null || value === undefined) { return "n/a"; }
    if (typeof value === "number") {
      return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
    }
    return String(value);
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  // swatches are inline SVG parsed from markup (the HTML parser gives them their namespace)
  function swatch(markup) {
    var box = document.createElement("span");
    box.className = "ecobelt-swatch";
    box.innerHTML = markup;
    return box;
  }

  function shapeSwatch(shape, color) {
    var style = ' fill="' + color + '" stroke="#444" stroke-width="1"';
    var item;
    if (shape === "dot") { item = '<circle cx="7" cy="7" r="5.5"' + style + "/>"; }
    else if (shape === "diamond") { item = '<polygon points="7,1 13,7 7,13 1,7"' + style + "/>"; }
    else { item = '<rect x="2" y="2" width="10" height="10"' + style + "/>"; }
    return swatch('<svg width="14" height="14" viewBox="0 0 14 14">' + item + "</svg>");
  }

  function lineSwatch(color, dashes) {
    var dash = dashes ? ' stroke-dasharray="' + dashes.join(" ") + '"' : "";
    return swatch('<svg width="34" height="10" viewBox="0 0 34 10"><line x1="1" y1="5" x2="33" y2="5" stroke="'
                  + color + '" stroke-width="2.5"' + dash + "/></svg>");
  }

  function Panel(index, root, data) {
    this.index = index;
    this.root = root;
    this.tab = Number(root.closest(".ecobelt-page").getAttribute("data-tab"));
    this.data = data;
    this.network = null;
    this.ready = false;
    this.drawMs = null;
  }

  // a member's tooltip: id, role and ring, its attributes, the caller's metrics
  Panel.prototype.nodeTitle = function (i) {
    var d = this.data, ring = d.nodes.ring[i];
    var attrNames = d.nodeAttrs.names, attrValues = d.nodeAttrs.values;
    var metricNames = d.metrics.names, metricValues = d.metrics.values;
    var lines = [d.nodes.id[i], d.roles[d.nodes.role[i]] + " (" + d.ringLabels[ring] + ")"];
    for (var a = 0; a < attrNames.length; a++) {
      var value = attrValues[a][i];
      if (value !== null) { lines.push(attrNames[a] + ": " + fmt(value)); }
    }
    if (metricNames.length) { lines.push("\u2014 metrics \u2014"); }
    for (var k = 0; k < metricNames.length; k++) {
      lines.push(metricNames[k] + ": " + fmt(metricValues[k][i]));
    }
    return lines.join("\n");
  };

  var ALLIANCE_LINE = "\n\u2014 member of this alliance \u2014";

  // Nodes are known to vis-network by their position, not by the member id: it keeps
  // nodes in a plain object, where ids such as "constructor" or "__proto__" would meet
  // the object's own properties.
  Panel.prototype.nodeList = function () {
    var d = this.data, n = d.nodes.id.length, nodes = new Array(n);
    for (var i = 0; i < n; i++) {
      var ring = d.nodes.ring[i];
      var node = {
        id: i, x: d.nodes.x[i], y: d.nodes.y[i], size: d.nodes.size[i],
        shape: d.ringShapes[ring], color: d.roleColors[d.nodes.role[i]],
        title: this.nodeTitle(i)
      };
      if (d.labels) { node.label = d.nodes.id[i]; }
      nodes[i] = node;
    }
    // an alliance's members: a thick black outline (borderWidth is kept when zooming)
    for (var h = 0; h < (d.highlight || []).length; h++) {
      var member = nodes[d.highlight[h]];
      member.borderWidth = 4;
      member.color = {background: member.color, border: "#000"};
      member.title = member.title + ALLIANCE_LINE;
    }
    this.ownTitle = nodes.map(function (node) { return node.title; });
    return nodes;
  };

  // units: the unit of each named attribute (a link's volume is in its flow's unit)
  function attributeLines(lines, columns, j, units) {
    for (var b = 0; b < columns.names.length; b++) {
      var value = columns.values[b][j], name = columns.names[b];
      var unit = units && units[name] ? " " + units[name] : "";
      if (value !== null) { lines.push(name + ": " + fmt(value) + unit); }
    }
    return lines.join("\n");
  }

  // the tooltip of link j of the ecosystem, and of edge i of overlay layer k
  Panel.prototype.edgeTitle = function (j) {
    var d = this.data, f = d.edges.flow[j];
    var from = d.nodes.id[d.edges.from[j]], to = d.nodes.id[d.edges.to[j]];
    return attributeLines([from + " \u2192 " + to + " (" + d.flows[f] + ")"], d.edgeAttrs, j,
                          d.flowUnits ? {volume: d.flowUnits[f]} : null);
  };

  Panel.prototype.overlayTitle = function (k, i) {
    var d = this.data, layer = d.overlays[k], sign = layer.directed ? " \u2192 " : " \u2014 ";
    var a = d.nodes.id[layer.edges.from[i]], b = d.nodes.id[layer.edges.to[i]];
    return attributeLines([a + sign + b + " (" + layer.name + ")"], layer.edgeAttrs, i);
  };

  // Edge ids: the ecosystem's links are 0..m-1 (their position in d.edges), each overlay's
  // edges follow in overlay order, so an id tells its group without a lookup table.
  Panel.prototype.edgeList = function () {
    var d = this.data, m = d.edges.from.length, edges = [];
    this.flowEdgeIds = d.flows.map(function () { return []; });
    this.ownWidth = {};
    this.ownColor = {};
    this.keptEdges = {};
    for (var j = 0; j < m; j++) {
      var f = d.edges.flow[j];
      var edge = {id: j, from: d.edges.from[j], to: d.edges.to[j], width: d.edges.width[j],
                  color: {color: d.flowColors[f], opacity: d.flowOpacity ? d.flowOpacity[f] : 0.75},
                  dashes: d.flowDashes[f], title: this.edgeTitle(j)};
      if (d.smooth) { edge.smooth = {enabled: true, type: "curvedCW", roundness: d.flowRoundness[f]}; }
      edges.push(edge);
      this.flowEdgeIds[f].push(j);
      this.ownWidth[j] = edge.width;
      this.ownColor[j] = edge.color;
    }
    this.overlayNames = d.overlays.map(function (layer) { return layer.name; });
    this.overlayEdgeIds = [];
    var id = m, self = this;
    d.overlays.forEach(function (layer, k) {
      var ids = [];
      for (var i = 0; i < layer.edges.from.length; i++, id++) {
        var edge = {id: id, from: layer.edges.from[i], to: layer.edges.to[i],
                    width: layer.edges.width[i],
                    color: {color: layer.color, opacity: 0.85}, dashes: layer.dashes,
                    arrows: {to: {enabled: layer.directed && !d.largeLinks, scaleFactor: 0.4}},
                    title: self.overlayTitle(k, i)};
        if (d.smooth) { edge.smooth = {enabled: true, type: "curvedCCW", roundness: 0.2}; }
        edges.push(edge);
        ids.push(id);
        self.ownWidth[id] = edge.width;
        self.ownColor[id] = edge.color;
      }
      self.overlayEdgeIds.push(ids);
    });
    return edges;
  };

  // Dash patterns are given in pixels but the canvas draws them in network units, so zoomed
  // far out (a large network fitted to the screen) a 3-unit dash would be a fraction of a
  // pixel and the canvas would stroke hundreds of them per link. The context's setLineDash
  // is therefore wrapped to divide every pattern by the zoom as it is drawn: dashes keep
  // their size on screen at any zoom, without touching the links' data. On a large network
  // (d.largeLinks) links are drawn solid until zoomed in to d.detailZoom times the fitted
  // view: a hairball of dashes shows nothing and costs most of the drawing time.
  var SOLID = [];
  // the page's own font stack (ecobelt.css), CJK fonts included, for labels on the canvas
  var FONT_FACE = '"DejaVu Sans", "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", '
    + '"Microsoft YaHei", sans-serif';

  Panel.prototype.screenDashes = function (pattern) {
    var scale = this.network.getScale();
    if (scale !== this.dashCacheScale) {
      this.dashCache = {};
      this.dashCacheScale = scale;
      this.solidLinks = this.data.largeLinks && !this.zoomedIn();
    }
    if (!pattern.length || (pattern.length === 1 && pattern[0] === 0)) { return pattern; }
    if (this.solidLinks) { return SOLID; }
    var key = pattern.join(), hit = this.dashCache[key];
    if (!hit) {
      hit = this.dashCache[key] = pattern.map(function (v) { return v / scale; });
    }
    return hit;
  };

  Panel.prototype.wrapDashes = function (ctx) {
    if (ctx.ecobeltDashes) { return; }
    var self = this, native = ctx.setLineDash;
    ctx.setLineDash = function (pattern) { return native.call(this, self.screenDashes(pattern)); };
    ctx.ecobeltDashes = true;
  };

  Panel.prototype.zoomedIn = function () {
    return this.network.getScale() >= this.data.detailZoom * this.fittedScale;
  };

  // On a network with many members node outlines, which stay one pixel wide at any zoom,
  // would cover the tiny nodes of the fitted view (and cost a stroke each): they are drawn
  // once zoomed in.
  Panel.prototype.updateOutlines = function () {
    if (!this.data.largeMembers) { return; }
    var width = this.zoomedIn() ? 1 : 0;
    if (width !== this.outline) {
      this.outline = width;
      this.network.setOptions({nodes: {borderWidth: width}});
    }
  };

  Panel.prototype.draw = function () {
    if (this.network) { return this; }
    var t0 = performance.now();
    var d = this.data, self = this;
    var canvas = this.root.querySelector(".ecobelt-network");
    this.outline = d.largeMembers ? 0 : 1;
    this.nodes = new vis.DataSet(this.nodeList());
    this.edges = new vis.DataSet(this.edgeList());
    var large = d.largeLinks;
    var options = {
      autoResize: true,
      nodes: {borderWidth: this.outline, font: {size: 12, color: "#222", face: FONT_FACE,
                                                  background: "rgba(255,255,255,0.8)"},
              color: {border: "#444"}},
      edges: {arrows: {to: {enabled: !large, scaleFactor: 0.4}}, smooth: false,
              selectionWidth: 2},
      layout: {improvedLayout: false},  // positions are given: no initial clustering pass
      physics: {enabled: d.physics, solver: "forceAtlas2Based",
                stabilization: {enabled: true, iterations: 200, fit: true}},
      interaction: {hover: !large, tooltipDelay: 120, hideEdgesOnDrag: large,
                    hideEdgesOnZoom: large}
    };
    this.physics = d.physics;
    this.network = new vis.Network(canvas, {nodes: this.nodes, edges: this.edges}, options);
    var pending = null;
    this.network.on("zoom", function () {
      clearTimeout(pending);
      pending = setTimeout(function () { self.updateOutlines(); }, 250);
    });
    this.network.on("beforeDrawing", function (ctx) {
      self.wrapDashes(ctx);
      self.drawBands(ctx);
    });
    this.network.on("afterDrawing", function (ctx) { self.drawFills(ctx); });
    this.network.once("afterDrawing", function () {
      self.drawMs = performance.now() - t0;
      self.ready = true;
    });
    this.buildLegend();
    return this;
  };

  Panel.prototype.drawBands = function (ctx) {
    // the three ring annuli under the network, each named in the gap just outside it
    var d = this.data;
    if (this.physics || !d.bands) { return; }
    var fills = ["rgba(214,39,40,0.07)", "rgba(31,119,180,0.07)", "rgba(44,160,44,0.07)"];
    var last = d.bands[d.bands.length - 1][1];
    // the chain layout keeps room for each ring's name just outside the ring, at 16 px
    var size = d.ringNameGap ? 16 : Math.max(16, 0.03 * last);
    ctx.save();
    ctx.font = size + "px " + FONT_FACE;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    for (var k = d.bands.length - 1; k >= 0; k--) {
      var inner = d.bands[k][0], outer = d.bands[k][1];
      ctx.beginPath();
      ctx.arc(0, 0, outer, 0, 2 * Math.PI);
      if (inner > 0) {  // a separate sub-path: no stroke joins the two circles
        ctx.moveTo(inner, 0);
        ctx.arc(0, 0, inner, 0, 2 * Math.PI, true);
      }
      ctx.fillStyle = fills[k];
      ctx.fill();
      ctx.strokeStyle = "rgba(0,0,0,0.2)";
      ctx.stroke();
      var next = k + 1 < d.bands.length ? d.bands[k + 1][0] : outer + 2 * size;
      ctx.fillStyle = "rgba(0,0,0,0.55)";
      if (outer <= inner) { continue; }  // an empty ring: no band, no name
      ctx.fillText(d.ringLabels[k], 0, d.ringNameGap ? -(outer + d.ringNameGap)
                                                     : -(outer + next) / 2);
    }
    ctx.restore();
  };

  // the scale at which the outermost ring and its name fit the view (null: no rings drawn)
  Panel.prototype.ringScale = function () {
    var d = this.data;
    if (this.physics || !d.bands || !d.nodes.id.length) { return null; }
    var last = d.bands[d.bands.length - 1][1];
    var font = d.ringNameGap ? 16 : Math.max(16, 0.03 * last);
    var reach = 1.05 * (last + 3 * font);
    var canvas = this.root.querySelector(".ecobelt-network");
    var width = canvas.clientWidth || 800, height = canvas.clientHeight || 600;
    return Math.min(width, height) / (2 * reach);
  };

  // fit() frames the nodes only; zoom out until the outermost ring's name is in view too
  Panel.prototype.fitRingLabels = function () {
    var scale = this.ringScale();
    if (scale !== null && scale < this.network.getScale()) {
      this.network.moveTo({position: {x: 0, y: 0}, scale: scale, animation: false});
    }
  };

  Panel.prototype.fitView = function () {
    this.network.fit({animation: false});
    this.fitRingLabels();
    this.fittedScale = this.network.getScale();
    this.updateOutlines();
  };

  // show or hide the edges of one legend checkbox: kind "flow" or "overlay" (a layer)
  Panel.prototype.setVisible = function (kind, name, visible) {
    var flow = kind === "flow";
    var k = (flow ? this.data.flows : this.overlayNames).indexOf(name);
    if (k < 0) { throw new Error("no " + kind + " " + name); }
    var ids = (flow ? this.flowEdgeIds : this.overlayEdgeIds)[k];
    this.edges.update(ids.map(function (id) { return {id: id, hidden: !visible}; }));
    var box = this.root.querySelector("input[data-" + kind + '="' + name + '"]');
    if (box) { box.checked = visible; }
  };

  // a legend row whose checkbox shows and hides the edges of a flow or an overlay layer
  Panel.prototype.toggleRow = function (kind, name, color, dashes, label) {
    var self = this, row = el("label", {"class": "ecobelt-row"});
    var box = el("input", {type: "checkbox"});
    box.setAttribute("data-" + kind, name);
    box.checked = true;
    box.addEventListener("change", function () { self.setVisible(kind, name, box.checked); });
    row.appendChild(box);
    row.appendChild(lineSwatch(color, dashes));
    row.appendChild(el("span", {}, label));
    return row;
  };

  // the group of a (visible) edge id: its flow, or its overlay's name
  Panel.prototype.edgeGroup = function (id) {
    var d = this.data, m = d.edges.from.length;
    if (id < m) { return d.flows[d.edges.flow[id]]; }
    for (var k = 0; k < this.overlayEdgeIds.length; k++) {
      var ids = this.overlayEdgeIds[k];
      if (ids.length && id <= ids[ids.length - 1]) { return d.overlays[k].name; }
    }
    return null;
  };

  // where every node and its label are drawn, in page pixels: the boxes a reader sees
  Panel.prototype.drawnBoxes = function () {
    var net = this.network, body = net.body, boxes = [], members = this.data.nodes.id;
    function page(x, y) { return net.canvasToDOM({x: x, y: y}); }
    var rect = this.root.querySelector(".ecobelt-network").getBoundingClientRect();
    body.nodeIndices.forEach(function (id) {
      var node = body.nodes[id], label = node.labelModule.size, r = node.options.size;
      var a = page(node.x - r, node.y - r), b = page(node.x + r, node.y + r);
      var box = {id: members[id], node: [a.x + rect.left, a.y + rect.top, b.x + rect.left, b.y + rect.top]};
      if (node.options.label !== undefined && label.width) {
        var c = page(label.left, label.top), e = page(label.left + label.width, label.top + label.height);
        box.label = [c.x + rect.left, c.y + rect.top, e.x + rect.left, e.y + rect.top];
      }
      boxes.push(box);
    });
    return boxes;
  };

  Panel.prototype.counts = function () {
    var d = this.data, body = this.network.body, byFlow = {}, byOverlay = {}, self = this;
    d.flows.forEach(function (flow) { byFlow[flow] = 0; });
    d.overlays.forEach(function (layer) { byOverlay[layer.name] = 0; });
    body.edgeIndices.forEach(function (id) {
      var group = self.edgeGroup(id);
      if (group in byFlow) { byFlow[group] += 1; } else { byOverlay[group] += 1; }
    });
    return {nodes: this.nodes.length, edges: this.edges.length,
            drawnNodes: body.nodeIndices.length, drawnEdges: body.edgeIndices.length,
            drawnEdgesByFlow: byFlow, drawnEdgesByOverlay: byOverlay};
  };


  // ---- the timeline: the simulated belt period by period -------------------------------
  // Numbers travel as little-endian 16-bit integers in base64: value = q / 65535 * scale.
  function unpack(text, scale) {
    var bytes = atob(text), n = bytes.length / 2, out = new Float64Array(n);
    for (var i = 0; i < n; i++) {
      out[i] = (bytes.charCodeAt(2 * i) | (bytes.charCodeAt(2 * i + 1) << 8)) / 65535 * scale;
    }
    return out;
  }

  Panel.prototype.timeline = function () {
    var t = this.data.timeline;
    if (!t) { return null; }
    if (!this.tl) {
      this.tl = {t: t, shipped: unpack(t.shipped, t.shippedScale),
                 more: t.delta ? unpack(t.delta.more, t.delta.moreScale) : null,
                 less: t.delta ? unpack(t.delta.less, t.delta.lessScale) : null,
                 stock: unpack(t.stock, t.stockScale), backlog: unpack(t.backlog, t.backlogScale),
                 hops: t.edges.length, members: t.members.length, period: null,
                 big: Math.max.apply(null, this.data.nodes.size.concat([12]))};
    }
    return this.tl;
  };

  // the width the timeline draws for a shipment (the rule the legend states)
  Panel.prototype.shipmentWidth = function (goods) {
    var rule = this.data.timeline.widthRule;
    return rule.top > 0 ? rule.min + rule.extra * goods / rule.top : rule.min;
  };

  // the colour a link has outside the timeline's difference view (faded in difference mode
  // unless the alliance changed it)
  Panel.prototype.restingColor = function (id) {
    var own = this.ownColor[id];
    return this.difference && !this.keptEdges[id] ? {color: own.color, opacity: 0.06} : own;
  };

  // show period p (0-based) on the network, or the belt's structure again (p === null); in
  // difference mode an alliance's links are drawn by the goods they carry more (blue) or
  // less (brown) than the same links in the baseline's period
  var MORE = "#2166ac", LESS = "#b35806";
  Panel.prototype.setPeriod = function (p, force) {
    var tl = this.timeline(), self = this;
    if (!tl || !this.network) { return; }
    if (p !== null) { p = Math.max(0, Math.min(tl.t.periods - 1, p)); }
    if (p === tl.period && !force) { return; }
    var width = {}, color = {}, delta = tl.t.delta, rule = tl.t.widthRule;
    var versus = p !== null && this.difference && delta;
    tl.t.logistics.forEach(function (id) { width[id] = p === null ? self.ownWidth[id]
                                                                  : self.shipmentWidth(0); });
    for (var h = 0; h < tl.hops; h++) {
      var id = tl.t.edges[h];
      width[id] = p === null ? this.ownWidth[id] : this.shipmentWidth(tl.shipped[p * tl.hops + h]);
    }
    var touched = tl.t.logistics.concat(delta ? delta.edges : []);
    touched.forEach(function (id) { color[id] = self.restingColor(id); });
    if (versus) {
      tl.t.logistics.forEach(function (id) {
        width[id] = rule.min;
        color[id] = {color: self.ownColor[id].color, opacity: 0.06};
      });
      var n = delta.edges.length;
      for (var e = 0; e < n; e++) {
        var change = tl.more[p * n + e] - tl.less[p * n + e], size = Math.abs(change);
        width[delta.edges[e]] = delta.top > 0 ? rule.min + rule.extra * size / delta.top : rule.min;
        color[delta.edges[e]] = {color: change >= 0 ? MORE : LESS, opacity: size > 0 ? 0.9 : 0.06};
      }
    }
    tl.versus = !!versus;
    this.edges.update(Object.keys(width).map(function (id) {
      return {id: Number(id), width: width[id], color: color[id] || self.restingColor(Number(id))};
    }));
    var nodes = [], d = this.data;
    for (var k = 0; k < tl.members; k++) {
      var i = tl.t.members[k], title = this.ownTitle[i];
      if (p !== null) {
        title += "\n\u2014 " + tl.t.period + " " + (p + 1) + " (mean of " + tl.t.replications
          + " runs) \u2014\nstock: " + fmt(tl.stock[p * tl.members + k]) + " " + tl.t.goods
          + "\nbacklog: " + fmt(tl.backlog[p * tl.members + k]) + " " + tl.t.goods;
      }
      // a stocking member is drawn at the largest node size while its fill shows, so the
      // fill reads (the layout keeps every label clear of a node of that size)
      nodes.push({id: i, title: title, size: p === null ? d.nodes.size[i] : tl.big});
    }
    this.nodes.update(nodes);
    tl.period = p;
    this.network.redraw();
  };

  // a stocking member's fill: stock rising from the bottom (green), backlog hanging from the
  // top (red), inside a rim that keeps the role's colour
  var STOCK = "#2f855a", BACKLOG = "#1a1a1a";
  function shapePath(ctx, shape, x, y, r) {
    ctx.beginPath();
    if (shape === "dot") { ctx.arc(x, y, r, 0, 2 * Math.PI); }
    else if (shape === "diamond") {
      ctx.moveTo(x, y - r); ctx.lineTo(x + r, y); ctx.lineTo(x, y + r); ctx.lineTo(x - r, y);
      ctx.closePath();
    } else { ctx.rect(x - r, y - r, 2 * r, 2 * r); }
  }

  Panel.prototype.drawFills = function (ctx) {
    var tl = this.tl;
    if (!tl || tl.period === null) { return; }
    var body = this.network.body, p = tl.period;
    for (var k = 0; k < tl.members; k++) {
      var node = body.nodes[tl.t.members[k]];
      if (!node || node.options.hidden) { continue; }
      var r = 0.72 * node.options.size, x = node.x, y = node.y;
      var stockTop = tl.t.stockTop[k], backlogTop = tl.t.backlogTop[k];
      var s = stockTop > 0 ? tl.stock[p * tl.members + k] / stockTop : 0;
      var b = backlogTop > 0 ? tl.backlog[p * tl.members + k] / backlogTop : 0;
      var alpha = node.options.opacity === undefined ? 1 : node.options.opacity;
      ctx.save();
      ctx.globalAlpha = alpha;
      shapePath(ctx, node.options.shape, x, y, r);
      ctx.fillStyle = "#fff";
      ctx.fill();
      ctx.clip();
      ctx.fillStyle = STOCK;
      ctx.fillRect(x - r, y + r - 2 * r * s, 2 * r, 2 * r * s);
      ctx.fillStyle = BACKLOG;
      ctx.globalAlpha = 0.85 * alpha;
      ctx.fillRect(x - r, y - r, 2 * r, 2 * r * b);
      ctx.restore();
      ctx.save();
      ctx.globalAlpha = alpha;
      shapePath(ctx, node.options.shape, x, y, r);
      ctx.lineWidth = 0.8;
      ctx.strokeStyle = "#333";
      ctx.stroke();
      ctx.restore();
    }
  };

  Panel.prototype.timelineLegend = function (legend) {
    var tl = this.timeline();
    if (!tl) { return; }
    var t = tl.t, rule = t.widthRule;
    legend.appendChild(el("h3", {}, "Timeline (" + t.period + " by " + t.period + ")"));
    var row = el("div", {"class": "ecobelt-row"});
    row.appendChild(lineSwatch("#111", false));
    row.appendChild(el("span", {"class": "ecobelt-note"}, "link width: goods dispatched in the "
      + t.period + ", " + fmt(rule.min) + " px + " + fmt(rule.extra) + " px \u00d7 goods / "
      + fmt(rule.top) + " " + t.goods + " (the largest of any link, " + t.period + " and tab)"));
    legend.appendChild(row);
    row = el("div", {"class": "ecobelt-row"});
    row.appendChild(swatch('<svg width="14" height="14" viewBox="0 0 14 14"><circle cx="7" cy="7" '
      + 'r="6" fill="#bbb"/><circle cx="7" cy="7" r="4.3" fill="#fff" stroke="#333" '
      + 'stroke-width="0.6"/><path d="M2.7,7 A4.3,4.3 0 0 0 11.3,7 Z" fill="' + STOCK + '"/>'
      + '<path d="M3.2,5 A4.3,4.3 0 0 1 10.8,5 Z" fill="' + BACKLOG + '"/></svg>'));
    row.appendChild(el("span", {"class": "ecobelt-note"}, "member fill: stock from the bottom "
      + "(green), backlog from the top (black), each against the member's largest in any "
      + t.period + " and tab"));
    legend.appendChild(row);
    if (t.delta) {
      row = el("div", {"class": "ecobelt-row"});
      row.appendChild(lineSwatch(MORE, false));
      row.appendChild(lineSwatch(LESS, false));
      row.appendChild(el("span", {"class": "ecobelt-note"}, "with \u201conly what the alliance "
        + "changes\u201d ticked: goods carried more (blue) or less (brown) than on the same link "
        + "in the baseline's " + t.period + ", " + fmt(rule.min) + " px + " + fmt(rule.extra)
        + " px \u00d7 difference / " + fmt(t.delta.top) + " " + t.goods));
      legend.appendChild(row);
    }
    legend.appendChild(el("div", {"class": "ecobelt-note"}, "Mean over " + t.replications
      + " replications of " + t.periods + " " + t.period + "s (after a " + t.warmup + "-" + t.period
      + " warm-up); every tab on the same demand."));
  };

  // The difference from the baseline: what the alliance changes (its members, the layer of
  // changes, the lanes of its shared platform) at full strength, everything else faded.
  var KEPT_LAYERS = ["alliance changes", "lanes without a link"];
  Panel.prototype.setDifference = function (on) {
    var d = this.data, self = this, keptEdges = {}, keptNodes = {};
    (d.highlight || []).forEach(function (i) { keptNodes[i] = true; });
    d.overlays.forEach(function (layer, k) {
      if (KEPT_LAYERS.indexOf(layer.name) < 0) { return; }
      self.overlayEdgeIds[k].forEach(function (id, e) {
        keptEdges[id] = true;
        keptNodes[layer.edges.from[e]] = true;
        keptNodes[layer.edges.to[e]] = true;
      });
    });
    var edges = [];
    Object.keys(this.ownColor).forEach(function (key) {
      var id = Number(key), own = self.ownColor[id];
      edges.push({id: id, color: on && !keptEdges[id] ? {color: own.color, opacity: 0.06} : own});
    });
    this.edges.update(edges);
    var nodes = [];
    for (var i = 0; i < d.nodes.id.length; i++) {
      nodes.push({id: i, opacity: on && !keptNodes[i] ? 0.2 : 1});
    }
    this.nodes.update(nodes);
    this.difference = on;
    this.keptEdges = keptEdges;
    var box = this.root.querySelector("input[data-difference]");
    if (box) { box.checked = on; }
    if (this.tl && this.tl.period !== null) { this.setPeriod(this.tl.period, true); }
  };

  Panel.prototype.buildLegend = function () {
    var d = this.data, self = this;
    var legend = this.root.querySelector(".ecobelt-legend-body");
    legend.textContent = "";
    legend.appendChild(el("h3", {}, "Rings"));
    d.ringLabels.forEach(function (label, k) {
      if (!d.ringCounts[k]) { return; }
      var row = el("div", {"class": "ecobelt-row"});
      row.appendChild(shapeSwatch(d.ringShapes[k], "#ddd"));
      row.appendChild(el("span", {}, label + " (" + d.ringCounts[k] + ")"));
      legend.appendChild(row);
    });
    legend.appendChild(el("h3", {}, "Roles"));
    d.roles.forEach(function (role, r) {
      var row = el("div", {"class": "ecobelt-row"});
      row.appendChild(shapeSwatch("dot", d.roleColors[r]));
      var label = d.roleLabels ? d.roleLabels[r] : role;
      row.appendChild(el("span", {title: role}, label + " (" + d.roleCounts[r] + ")"));
      legend.appendChild(row);
    });
    if ((d.highlight || []).length) {
      var alliance = el("div", {"class": "ecobelt-row"});
      alliance.appendChild(swatch('<svg width="14" height="14" viewBox="0 0 14 14"><circle cx="7" '
                                  + 'cy="7" r="5" fill="#fff" stroke="#000" stroke-width="3"/></svg>'));
      alliance.appendChild(el("span", {}, "alliance member (" + d.highlight.length + ")"));
      legend.appendChild(alliance);
    }
    legend.appendChild(el("h3", {}, "Flows (show / hide)"));
    legend.appendChild(el("div", {"class": "ecobelt-note"}, "goods (logistics) in full, others faint; width: a link's volume "
      + "against the largest of its own flow (5 px)"));
    d.flows.forEach(function (flow, f) {
      var row = self.toggleRow("flow", flow, d.flowColors[f], d.flowDashes[f],
                               flow + " (" + self.flowEdgeIds[f].length + ")");
      legend.appendChild(row);
      if (d.flowUnits && self.flowEdgeIds[f].length) {
        var top = d.flowTop && d.flowTop[f] !== null ? "largest " + fmt(d.flowTop[f]) + " " : "";
        legend.appendChild(el("div", {"class": "ecobelt-unit"}, top + d.flowUnits[f]));
      }
    });
    if (d.overlays.length) { legend.appendChild(el("h3", {}, "Layers (show / hide)")); }
    d.overlays.forEach(function (layer, k) {
      var what = layer.directed ? " links)" : " pairs)";
      legend.appendChild(self.toggleRow("overlay", layer.name, layer.color, layer.dashes,
                                        layer.name + " (" + self.overlayEdgeIds[k].length + what));
    });
    if (this.overlayNames.indexOf("alliance changes") >= 0) {
      var diff = el("label", {"class": "ecobelt-row"});
      var diffBox = el("input", {type: "checkbox", "data-difference": "1"});
      diffBox.addEventListener("change", function () { self.setDifference(diffBox.checked); });
      diff.appendChild(diffBox);
      diff.appendChild(el("span", {}, "only what the alliance changes (the difference from "
                                      + "the baseline; the rest faded)"));
      legend.appendChild(diff);
    }
    if (d.largeLinks || d.largeMembers) {
      var simpler = d.largeLinks ? ["links without arrows", "dashes and"] : [];
      if (d.largeMembers) { simpler.push("node outlines"); }
      var note = "Large network: " + (d.largeLinks ? simpler.shift() + "; " : "")
        + simpler.join(" ") + " show when zoomed in \u00d7" + d.detailZoom + ".";
      if (this.canvasMode) {
        note += " Links are at most a pixel wide while more than " + THICK_LIMIT.toLocaleString("en")
          + " are in view.";
      }
      legend.appendChild(el("div", {"class": "ecobelt-note ecobelt-large"}, note));
    }
    if (d.sizeBy) {
      legend.appendChild(el("h3", {}, "Node size"));
      legend.appendChild(el("div", {"class": "ecobelt-note"},
        d.sizeBy + ": " + fmt(d.sizeRange[0]) + " (small) to " + fmt(d.sizeRange[1]) + " (large)"));
    }
    this.timelineLegend(legend);
    if (this.canvasMode) { return; }  // no force layout on the canvas renderer
    var physics = el("label", {"class": "ecobelt-row ecobelt-physics"});
    var toggle = el("input", {type: "checkbox", "data-physics": "1"});
    toggle.checked = d.physics;
    toggle.addEventListener("change", function () {
      self.physics = toggle.checked;
      self.network.setOptions({physics: {enabled: toggle.checked}});
    });
    physics.appendChild(toggle);
    physics.appendChild(el("span", {}, "physics (slow on large networks)"));
    legend.appendChild(physics);
  };

  // ---- the canvas renderer: large networks without an object per node or link ----------
  // A panel whose data asks for it (d.renderer === "canvas", chosen in Python above a size
  // limit) is drawn on one 2D canvas from typed arrays: the links of each flow (and each
  // overlay layer) batched into one path per width class, the members into one path per
  // role, so a frame costs a handful of strokes and fills instead of one call per link.
  // Widths are rounded to WIDTH_STEP px classes: the width still reads a link's volume.
  var WIDTH_STEP = 0.5;
  // a member or link within this many screen pixels of the pointer is under it
  var HIT_PX = 5;
  // labels are written only while at most this many members are in view
  var LABEL_VIEW_LIMIT = 1500;
  // above this many links in view, links are at most a pixel wide
  var THICK_LIMIT = 15000;
  // above this many links in view, the view moves the last frame until it rests
  var QUICK_LINKS = 5000;

  function CanvasPanel(index, root, data) {
    Panel.call(this, index, root, data);
    this.canvasMode = true;
  }
  CanvasPanel.prototype = Object.create(Panel.prototype);
  CanvasPanel.prototype.constructor = CanvasPanel;

  // links of one group (a flow or an overlay layer) sorted into width classes
  function edgeGroup(kind, name, from, to, width, ids, color, dashes, opacity) {
    var m = from.length, code = new Int32Array(m), top = 0;
    for (var j = 0; j < m; j++) {
      code[j] = Math.max(1, Math.round(width[j] / WIDTH_STEP));
      top = Math.max(top, code[j]);
    }
    var start = new Int32Array(top + 2);  // a counting sort by class
    for (j = 0; j < m; j++) { start[code[j] + 1] += 1; }
    for (var c = 0; c <= top; c++) { start[c + 1] += start[c]; }
    var fill = start.slice(0, top + 1), order = new Int32Array(m), classes = [];
    for (j = 0; j < m; j++) { order[fill[code[j]]++] = j; }
    for (c = 1; c <= top; c++) {
      if (start[c + 1] > start[c]) {
        classes.push({width: c * WIDTH_STEP, links: order.subarray(start[c], start[c + 1])});
      }
    }
    return {kind: kind, name: name, from: from, to: to, width: width, ids: ids, color: color,
            dashes: dashes || null, opacity: opacity, visible: true, classes: classes};
  }

  CanvasPanel.prototype.prepare = function () {
    var d = this.data, n = d.nodes.id.length, m = d.edges.from.length, self = this;
    this.x = Float32Array.from(d.nodes.x);
    this.y = Float32Array.from(d.nodes.y);
    this.size = Float32Array.from(d.nodes.size);
    this.maxSize = 0;
    for (var i = 0; i < n; i++) { this.maxSize = Math.max(this.maxSize, this.size[i]); }
    // members by role: one fill per role
    var byRole = d.roles.map(function () { return []; });
    for (i = 0; i < n; i++) { byRole[d.nodes.role[i]].push(i); }
    this.byRole = byRole.map(function (list) { return Int32Array.from(list); });
    this.highlighted = Int32Array.from(d.highlight || []);
    this.isHighlighted = new Uint8Array(n);
    for (i = 0; i < this.highlighted.length; i++) { this.isHighlighted[this.highlighted[i]] = 1; }
    // the links of each flow, by id (0..m-1, then each overlay's in order, as on vis pages)
    var flowOf = d.edges.flow, counts = new Int32Array(d.flows.length);
    for (var j = 0; j < m; j++) { counts[flowOf[j]] += 1; }
    var parts = d.flows.map(function (flow, f) {
      return {from: new Int32Array(counts[f]), to: new Int32Array(counts[f]),
              width: new Float32Array(counts[f]), ids: new Int32Array(counts[f]), n: 0};
    });
    var from = d.edges.from, to = d.edges.to, width = d.edges.width;
    for (j = 0; j < m; j++) {
      var part = parts[flowOf[j]], at = part.n++;
      part.from[at] = from[j]; part.to[at] = to[j]; part.width[at] = width[j]; part.ids[at] = j;
    }
    this.groups = d.flows.map(function (flow, f) {
      var part = parts[f];
      return edgeGroup("flow", flow, part.from, part.to, part.width, part.ids, d.flowColors[f],
                       d.flowDashes[f], d.flowOpacity ? d.flowOpacity[f] : 0.75);
    });
    this.flowEdgeIds = this.groups.map(function (g) { return g.ids; });
    this.overlayNames = d.overlays.map(function (layer) { return layer.name; });
    this.overlayEdgeIds = [];
    var id = m;
    d.overlays.forEach(function (layer) {
      var count = layer.edges.from.length, ids = new Int32Array(count);
      for (var k = 0; k < count; k++) { ids[k] = id++; }
      var group = edgeGroup("overlay", layer.name, Int32Array.from(layer.edges.from),
                            Int32Array.from(layer.edges.to), Float32Array.from(layer.edges.width),
                            ids, layer.color, layer.dashes, 0.85);
      self.groups.push(group);
      self.overlayEdgeIds.push(group.ids);
    });
    // faint flows first, so the goods are drawn over them; overlays over every flow
    this.drawOrder = this.groups.slice().sort(function (a, b) {
      return (a.kind === "overlay") - (b.kind === "overlay") || a.opacity - b.opacity;
    });
    this.buildGrid();
  };

  // a uniform grid over the members (cells as compressed rows) for hover look-ups
  CanvasPanel.prototype.buildGrid = function () {
    var n = this.x.length, x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (var i = 0; i < n; i++) {
      x0 = Math.min(x0, this.x[i]); x1 = Math.max(x1, this.x[i]);
      y0 = Math.min(y0, this.y[i]); y1 = Math.max(y1, this.y[i]);
    }
    if (!n) { x0 = y0 = 0; x1 = y1 = 1; }
    var area = Math.max(x1 - x0, 1) * Math.max(y1 - y0, 1);
    var cell = Math.max(2 * this.maxSize, Math.sqrt(area / Math.max(n, 1)) * 2, 1);
    var cols = Math.floor((x1 - x0) / cell) + 1, rows = Math.floor((y1 - y0) / cell) + 1;
    var start = new Int32Array(cols * rows + 1), at = new Int32Array(n);
    for (i = 0; i < n; i++) {
      at[i] = Math.floor((this.y[i] - y0) / cell) * cols + Math.floor((this.x[i] - x0) / cell);
      start[at[i] + 1] += 1;
    }
    for (var c = 0; c < cols * rows; c++) { start[c + 1] += start[c]; }
    var fill = start.slice(0, cols * rows), members = new Int32Array(n);
    for (i = 0; i < n; i++) { members[fill[at[i]]++] = i; }
    this.grid = {x0: x0, y0: y0, cell: cell, cols: cols, rows: rows, start: start,
                 members: members};
    this.bounds = [x0, y0, x1, y1];
  };

  CanvasPanel.prototype.draw = function () {
    if (this.ctx) { return this; }
    var t0 = performance.now(), self = this;
    this.prepare();
    var box = this.root.querySelector(".ecobelt-network");
    var canvas = el("canvas", {"class": "ecobelt-canvas"});
    box.appendChild(canvas);
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    this.tooltip = el("div", {"class": "ecobelt-tooltip"});
    this.tooltip.hidden = true;
    box.appendChild(this.tooltip);
    this.view = {s: 1, tx: 0, ty: 0};
    this.resize();
    this.listen(box);
    this.buildLegend();
    if (typeof ResizeObserver !== "undefined") {
      new ResizeObserver(function () { if (self.resize()) { self.render(); } }).observe(box);
    }
    this.t0 = t0;
    return this;
  };

  // match the canvas' pixels to its box; true when they changed
  CanvasPanel.prototype.resize = function () {
    var box = this.root.querySelector(".ecobelt-network");
    var width = box.clientWidth || 800, height = box.clientHeight || 600;
    var ratio = window.devicePixelRatio || 1;
    if (width === this.width && height === this.height && ratio === this.ratio) { return false; }
    this.width = width; this.height = height; this.ratio = ratio;
    this.canvas.width = Math.round(width * ratio);
    this.canvas.height = Math.round(height * ratio);
    this.canvas.style.width = width + "px";
    this.canvas.style.height = height + "px";
    return true;
  };

  CanvasPanel.prototype.fitView = function () {
    var b = this.bounds, pad = this.maxSize, v = this.view;
    this.resize();
    var w = Math.max(b[2] - b[0] + 2 * pad, 1e-9), h = Math.max(b[3] - b[1] + 2 * pad, 1e-9);
    v.s = Math.min(this.width / w, this.height / h);
    if (!this.x.length) { v.s = 1; }
    var cx = (b[0] + b[2]) / 2, cy = (b[1] + b[3]) / 2;
    var ring = this.ringScale();
    if (ring !== null && ring < v.s) { v.s = ring; cx = 0; cy = 0; }
    v.tx = this.width / 2 - cx * v.s;
    v.ty = this.height / 2 - cy * v.s;
    this.fittedScale = v.s;
    this.render();
  };

  CanvasPanel.prototype.getScale = function () { return this.view.s; };
  CanvasPanel.prototype.zoomedIn = function () {
    return this.view.s >= this.data.detailZoom * this.fittedScale;
  };

  // page pixels of a point of the network, and back
  CanvasPanel.prototype.toScreen = function (x, y) {
    var v = this.view;
    return {x: x * v.s + v.tx, y: y * v.s + v.ty};
  };
  CanvasPanel.prototype.toWorld = function (px, py) {
    var v = this.view;
    return {x: (px - v.tx) / v.s, y: (py - v.ty) / v.s};
  };

  function addShape(ctx, shape, x, y, r) {
    if (shape === "dot") { ctx.moveTo(x + r, y); ctx.arc(x, y, r, 0, 2 * Math.PI); }
    else if (shape === "diamond") {
      ctx.moveTo(x, y - r); ctx.lineTo(x + r, y); ctx.lineTo(x, y + r); ctx.lineTo(x - r, y);
      ctx.closePath();
    } else { ctx.rect(x - r, y - r, 2 * r, 2 * r); }
  }

  // Draw the whole frame. With count, also returns what was drawn (members and links by
  // group), for tests: the links and members put on the canvas, culled ones not counted.
  CanvasPanel.prototype.render = function (count) {
    var t0 = performance.now();
    var ctx = this.ctx, v = this.view, r = this.ratio, d = this.data;
    var X = this.x, Y = this.y, S = this.size, shapes = d.ringShapes, ring = d.nodes.ring;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.globalAlpha = 1;
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.setTransform(r * v.s, 0, 0, r * v.s, r * v.tx, r * v.ty);
    // the view in network units, widened by the largest member so nothing half in is culled
    var pad = this.maxSize + 8 / v.s;
    var x0 = -v.tx / v.s - pad, y0 = -v.ty / v.s - pad;
    var x1 = (this.width - v.tx) / v.s + pad, y1 = (this.height - v.ty) / v.s + pad;
    this.drawBands(ctx);
    var detail = this.zoomedIn(), faded = this.difference ? this.keptEdges : null;
    var drawn = count ? {links: {}, members: 0} : null;
    // Links at least a pixel wide cost their area in pixels: with many in view they are
    // drawn a pixel wide at most (seconds otherwise), with their widths once fewer are.
    var shown = this.linksInView(x0, y0, x1, y1), widest = shown > THICK_LIMIT ? 1 / v.s : Infinity;
    ctx.lineCap = "butt";
    for (var g = 0; g < this.drawOrder.length; g++) {
      var group = this.drawOrder[g];
      if (!group.visible) { continue; }
      var A = group.from, B = group.to, ids = group.ids, links = 0;
      ctx.strokeStyle = group.color;
      // dash patterns in screen pixels; on a large network only once zoomed in
      ctx.setLineDash(group.dashes && (detail || !d.largeLinks)
                      ? group.dashes.map(function (p) { return p / v.s; }) : []);
      for (var pass = 0; pass < (faded ? 2 : 1); pass++) {
        // with the difference shown: first the faded links, then the kept ones in full
        ctx.globalAlpha = faded && pass === 0 ? 0.06 : group.opacity;
        for (var c = 0; c < group.classes.length; c++) {
          var list = group.classes[c].links, any = false;
          ctx.lineWidth = Math.min(group.classes[c].width, widest);
          ctx.beginPath();
          for (var q = 0; q < list.length; q++) {
            var k = list[q];
            if (faded && (pass === 0) === !!faded[ids[k]]) { continue; }
            var a = A[k], b = B[k], ax = X[a], ay = Y[a], bx = X[b], by = Y[b];
            if ((ax < x0 && bx < x0) || (ax > x1 && bx > x1) || (ay < y0 && by < y0)
                || (ay > y1 && by > y1)) { continue; }
            if (a === b) {  // a loop: a circle touching the member at its top right
              var lr = Math.max(S[a], 4 / v.s);
              ctx.moveTo(ax + 2 * lr, ay - lr);
              ctx.arc(ax + lr, ay - lr, lr, 0, 2 * Math.PI);
            } else {
              ctx.moveTo(ax, ay);
              ctx.lineTo(bx, by);
            }
            any = true;
            links++;
          }
          if (any) { ctx.stroke(); }
        }
      }
      if (drawn) { drawn.links[group.kind + ":" + group.name] = links; }
    }
    ctx.setLineDash([]);
    // members: one path per role; outlines once zoomed in on a large network
    var outline = !d.largeMembers || detail, members = 0, inView = [];
    for (var pass2 = 0; pass2 < (faded ? 2 : 1); pass2++) {
      var kept = this.keptNodes;
      ctx.globalAlpha = faded && pass2 === 0 ? 0.2 : 1;
      for (var role = 0; role < this.byRole.length; role++) {
        var list2 = this.byRole[role], some = false;
        ctx.beginPath();
        for (var t = 0; t < list2.length; t++) {
          var i = list2[t], x = X[i], y = Y[i];
          if (x < x0 || x > x1 || y < y0 || y > y1) { continue; }
          if (faded && (pass2 === 0) === !!kept[i]) { continue; }
          addShape(ctx, shapes[ring[i]], x, y, S[i]);
          some = true;
          members++;
          inView.push(i);
        }
        if (!some) { continue; }
        ctx.fillStyle = d.roleColors[role];
        ctx.fill();
        if (outline) {
          ctx.lineWidth = 1;
          ctx.strokeStyle = "#444";
          ctx.stroke();
        }
      }
    }
    ctx.globalAlpha = 1;
    if (this.highlighted.length) {  // an alliance's members: a thick black outline
      ctx.beginPath();
      for (var h = 0; h < this.highlighted.length; h++) {
        var m = this.highlighted[h];
        addShape(ctx, shapes[ring[m]], X[m], Y[m], S[m]);
      }
      ctx.lineWidth = 4;
      ctx.strokeStyle = "#000";
      ctx.stroke();
    }
    this.labelBoxes = null;
    if (d.labels && inView.length <= LABEL_VIEW_LIMIT) { this.drawLabels(ctx, inView); }
    if (drawn) { drawn.members = members; }
    this.frameMs = performance.now() - t0;
    this.linksDrawn = shown;
    this.full = {s: v.s, tx: v.tx, ty: v.ty};  // the canvas holds this full frame
    if (!this.ready) {
      this.drawMs = performance.now() - this.t0;
      this.ready = true;
    }
    return drawn;
  };

  // member ids under their members, on a light ground, as vis-network writes labels
  CanvasPanel.prototype.drawLabels = function (ctx, members) {
    var d = this.data, boxes = {};
    ctx.font = "12px " + FONT_FACE;
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (var k = 0; k < members.length; k++) {
      var i = members[k], text = d.nodes.id[i], w = ctx.measureText(text).width;
      var x = this.x[i], y = this.y[i] + this.size[i] + 2;
      ctx.fillStyle = "rgba(255,255,255,0.8)";
      ctx.fillRect(x - w / 2, y, w, 14);
      ctx.fillStyle = "#222";
      ctx.fillText(text, x, y);
      boxes[i] = [x - w / 2, y, x + w / 2, y + 14];
    }
    this.labelBoxes = boxes;
  };

  // shown links with an end in the view (or crossing it), the culling render() does
  CanvasPanel.prototype.linksInView = function (x0, y0, x1, y1) {
    var X = this.x, Y = this.y, shown = 0;
    for (var g = 0; g < this.groups.length; g++) {
      var group = this.groups[g], A = group.from, B = group.to;
      if (!group.visible) { continue; }
      for (var k = 0; k < A.length; k++) {
        var ax = X[A[k]], ay = Y[A[k]], bx = X[B[k]], by = Y[B[k]];
        if (!((ax < x0 && bx < x0) || (ax > x1 && bx > x1) || (ay < y0 && by < y0)
              || (ay > y1 && by > y1))) { shown++; }
      }
    }
    return shown;
  };

  // the last full frame, kept (once the view starts moving) to move and scale meanwhile
  CanvasPanel.prototype.keepFrame = function () {
    if (!this.full) { return; }
    if (!this.frame) { this.frame = document.createElement("canvas"); }
    this.frame.width = this.canvas.width;
    this.frame.height = this.canvas.height;
    this.frame.getContext("2d").drawImage(this.canvas, 0, 0);
    this.frameView = this.full;
    this.full = null;
  };

  // While the view moves, frames that take long to draw are replaced by the last full
  // frame moved and scaled; the full frame follows once the view rests.
  CanvasPanel.prototype.schedule = function () {
    var self = this;
    if (this.pending) { return; }
    this.pending = requestAnimationFrame(function () {
      self.pending = null;
      if (self.frameMs < 30 && self.linksDrawn < QUICK_LINKS) { self.render(); return; }
      self.keepFrame();
      if (!self.frame) { self.render(); return; }
      var v = self.view, f = self.frameView, k = v.s / f.s, r = self.ratio, ctx = self.ctx;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.globalAlpha = 1;
      ctx.clearRect(0, 0, self.canvas.width, self.canvas.height);
      ctx.drawImage(self.frame, (v.tx - f.tx * k) * r, (v.ty - f.ty * k) * r,
                    self.frame.width * k, self.frame.height * k);
      clearTimeout(self.settle);
      self.settle = setTimeout(function () { self.render(); }, 150);
    });
  };

  CanvasPanel.prototype.listen = function (box) {
    var self = this, canvas = this.canvas, drag = null;
    function local(event) {
      var rect = canvas.getBoundingClientRect();
      return {x: event.clientX - rect.left, y: event.clientY - rect.top};
    }
    canvas.addEventListener("wheel", function (event) {
      event.preventDefault();
      var p = local(event), v = self.view;
      var factor = Math.exp(-event.deltaY * (event.deltaMode === 1 ? 0.05 : 0.0015));
      var s = Math.min(Math.max(v.s * factor, 1e-4), 1e4);
      v.tx = p.x - (p.x - v.tx) * s / v.s;
      v.ty = p.y - (p.y - v.ty) * s / v.s;
      v.s = s;
      self.hideTooltip();
      self.schedule();
    }, {passive: false});
    canvas.addEventListener("pointerdown", function (event) {
      drag = {x: event.clientX, y: event.clientY, tx: self.view.tx, ty: self.view.ty};
      canvas.setPointerCapture(event.pointerId);
      self.hideTooltip();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (drag) {
        self.view.tx = drag.tx + event.clientX - drag.x;
        self.view.ty = drag.ty + event.clientY - drag.y;
        self.schedule();
        return;
      }
      self.hover = local(event);
      if (self.hoverPending) { return; }
      self.hoverPending = requestAnimationFrame(function () {
        self.hoverPending = null;
        self.showTooltip(self.hover);
      });
    });
    function end(event) {
      if (!drag) { return; }
      drag = null;
      if (canvas.hasPointerCapture(event.pointerId)) { canvas.releasePointerCapture(event.pointerId); }
    }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    canvas.addEventListener("pointerleave", function () { self.hideTooltip(); });
  };

  // the member under a point of the view (page pixels inside the canvas), or -1
  CanvasPanel.prototype.memberAt = function (px, py) {
    var p = this.toWorld(px, py), g = this.grid, reach = HIT_PX / this.view.s;
    var radius = Math.max(this.maxSize, reach);
    var c0 = Math.max(0, Math.floor((p.x - radius - g.x0) / g.cell));
    var c1 = Math.min(g.cols - 1, Math.floor((p.x + radius - g.x0) / g.cell));
    var r0 = Math.max(0, Math.floor((p.y - radius - g.y0) / g.cell));
    var r1 = Math.min(g.rows - 1, Math.floor((p.y + radius - g.y0) / g.cell));
    var best = -1, bestDistance = Infinity;
    for (var row = r0; row <= r1; row++) {
      for (var col = c0; col <= c1; col++) {
        var cell = row * g.cols + col;
        for (var q = g.start[cell]; q < g.start[cell + 1]; q++) {
          var i = g.members[q], dx = this.x[i] - p.x, dy = this.y[i] - p.y;
          var distance = Math.sqrt(dx * dx + dy * dy);
          if (distance <= Math.max(this.size[i], reach) && distance < bestDistance) {
            best = i; bestDistance = distance;
          }
        }
      }
    }
    return best;
  };

  // the shown link under a point of the view: [group, link] or null
  CanvasPanel.prototype.linkAt = function (px, py) {
    var p = this.toWorld(px, py), reach = HIT_PX / this.view.s, best = null, bestDistance = Infinity;
    var X = this.x, Y = this.y;
    for (var g = this.drawOrder.length - 1; g >= 0; g--) {
      var group = this.drawOrder[g];
      if (!group.visible) { continue; }
      for (var k = 0; k < group.from.length; k++) {
        var ax = X[group.from[k]], ay = Y[group.from[k]], bx = X[group.to[k]], by = Y[group.to[k]];
        var limit = Math.max(reach, group.width[k] / 2);
        if ((p.x < ax - limit && p.x < bx - limit) || (p.x > ax + limit && p.x > bx + limit)
            || (p.y < ay - limit && p.y < by - limit) || (p.y > ay + limit && p.y > by + limit)) {
          continue;
        }
        var dx = bx - ax, dy = by - ay, len = dx * dx + dy * dy;
        var t = len > 0 ? Math.max(0, Math.min(1, ((p.x - ax) * dx + (p.y - ay) * dy) / len)) : 0;
        var ex = ax + t * dx - p.x, ey = ay + t * dy - p.y, distance = Math.sqrt(ex * ex + ey * ey);
        if (distance <= limit && distance < bestDistance) { best = [group, k]; bestDistance = distance; }
      }
    }
    return best;
  };

  CanvasPanel.prototype.titleAt = function (px, py) {
    var i = this.memberAt(px, py);
    if (i >= 0) { return this.nodeTitle(i) + (this.isHighlighted[i] ? ALLIANCE_LINE : ""); }
    var hit = this.linkAt(px, py);
    if (!hit) { return null; }
    var group = hit[0], id = group.ids[hit[1]], m = this.data.edges.from.length;
    if (group.kind === "flow") { return this.edgeTitle(id); }
    var k = this.overlayNames.indexOf(group.name);
    return this.overlayTitle(k, hit[1]);
  };

  CanvasPanel.prototype.showTooltip = function (point) {
    var text = this.titleAt(point.x, point.y), tip = this.tooltip;
    if (text === null) { this.hideTooltip(); return; }
    tip.textContent = text;
    tip.hidden = false;
    var x = point.x + 12, y = point.y + 12;
    if (x + tip.offsetWidth > this.width) { x = Math.max(0, point.x - 12 - tip.offsetWidth); }
    if (y + tip.offsetHeight > this.height) { y = Math.max(0, point.y - 12 - tip.offsetHeight); }
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  };

  CanvasPanel.prototype.hideTooltip = function () {
    if (this.tooltip) { this.tooltip.hidden = true; }
  };

  CanvasPanel.prototype.groupOf = function (kind, name) {
    for (var g = 0; g < this.groups.length; g++) {
      if (this.groups[g].kind === kind && this.groups[g].name === name) { return this.groups[g]; }
    }
    throw new Error("no " + kind + " " + name);
  };

  CanvasPanel.prototype.setVisible = function (kind, name, visible) {
    this.groupOf(kind, name).visible = visible;
    var box = this.root.querySelector("input[data-" + kind + '="' + name + '"]');
    if (box) { box.checked = visible; }
    this.render();
  };

  CanvasPanel.prototype.setDifference = function (on) {
    var d = this.data, self = this, keptEdges = {}, keptNodes = new Uint8Array(d.nodes.id.length);
    for (var h = 0; h < this.highlighted.length; h++) { keptNodes[this.highlighted[h]] = 1; }
    d.overlays.forEach(function (layer, k) {
      if (KEPT_LAYERS.indexOf(layer.name) < 0) { return; }
      var ids = self.overlayEdgeIds[k];
      for (var e = 0; e < ids.length; e++) {
        keptEdges[ids[e]] = true;
        keptNodes[layer.edges.from[e]] = 1;
        keptNodes[layer.edges.to[e]] = 1;
      }
    });
    this.difference = on;
    this.keptEdges = keptEdges;
    this.keptNodes = keptNodes;
    var box = this.root.querySelector("input[data-difference]");
    if (box) { box.checked = on; }
    this.render();
  };

  // a timeline is drawn by the vis-network panel only (see useCanvas)
  CanvasPanel.prototype.setPeriod = function () {};
  CanvasPanel.prototype.updateOutlines = function () {};

  // what one full frame of the fitted view puts on the canvas, in the shape the test
  // harness reads from vis-network pages
  CanvasPanel.prototype.drawnCounts = function () {
    this.fitView();
    var drawn = this.render(true), d = this.data, byFlow = {}, byOverlay = {}, edges = 0;
    d.flows.forEach(function (flow) { byFlow[flow] = drawn.links["flow:" + flow] || 0; });
    d.overlays.forEach(function (layer) {
      byOverlay[layer.name] = drawn.links["overlay:" + layer.name] || 0;
    });
    Object.keys(drawn.links).forEach(function (key) { edges += drawn.links[key]; });
    return {nodes: drawn.members, edges: edges, byFlow: byFlow, byOverlay: byOverlay,
            flows: d.flows, overlays: this.overlayNames, panel: this.index,
            drawMs: this.drawMs};
  };

  CanvasPanel.prototype.counts = function () {
    var drawn = this.render(true), d = this.data, byFlow = {}, byOverlay = {}, edges = 0;
    d.flows.forEach(function (flow) { byFlow[flow] = drawn.links["flow:" + flow] || 0; });
    d.overlays.forEach(function (layer) {
      byOverlay[layer.name] = drawn.links["overlay:" + layer.name] || 0;
    });
    Object.keys(drawn.links).forEach(function (key) { edges += drawn.links[key]; });
    var total = d.edges.from.length;
    d.overlays.forEach(function (layer) { total += layer.edges.from.length; });
    return {nodes: d.nodes.id.length, edges: total, drawnNodes: drawn.members,
            drawnEdges: edges, drawnEdgesByFlow: byFlow, drawnEdgesByOverlay: byOverlay};
  };

  // where every member (and its label, when written) is drawn, in page pixels
  CanvasPanel.prototype.drawnBoxes = function () {
    var rect = this.canvas.getBoundingClientRect(), boxes = [], self = this;
    function page(x, y) { var p = self.toScreen(x, y); return [p.x + rect.left, p.y + rect.top]; }
    for (var i = 0; i < this.x.length; i++) {
      var r = this.size[i], a = page(this.x[i] - r, this.y[i] - r), b = page(this.x[i] + r, this.y[i] + r);
      var box = {id: this.data.nodes.id[i], node: [a[0], a[1], b[0], b[1]]};
      var label = this.labelBoxes && this.labelBoxes[i];
      if (label) {
        var c = page(label[0], label[1]), e = page(label[2], label[3]);
        box.label = [c[0], c[1], e[0], e[1]];
      }
      boxes.push(box);
    }
    return boxes;
  };

  // a member's position in page pixels (for tests and callers that point at a member)
  CanvasPanel.prototype.memberPoint = function (member) {
    var i = this.data.nodes.id.indexOf(member);
    if (i < 0) { return null; }
    var rect = this.canvas.getBoundingClientRect(), p = this.toScreen(this.x[i], this.y[i]);
    return {x: rect.left + p.x, y: rect.top + p.y};
  };

  var panels = [];
  // the canvas renderer draws a panel whose data asks for it, unless it plays a timeline
  // (member fills and per-period widths are drawn by the vis-network panel)
  function useCanvas(data) { return data.renderer === "canvas" && !data.timeline; }
  document.querySelectorAll(".ecobelt-panel").forEach(function (root) {
    var index = Number(root.getAttribute("data-panel"));
    var data = JSON.parse(document.getElementById("ecobelt-data-" + index).textContent);
    panels.push(new (useCanvas(data) ? CanvasPanel : Panel)(index, root, data));
  });
  var tabs = document.querySelectorAll(".ecobelt-tab");

  // One clock for every tab: the bar under the header plays the period on the tab shown,
  // and a tab shown later opens on the same period.
  var clock = {period: 0, on: false, timer: null, bar: null, panel: null,
    build: function () {
      var with_ = panels.filter(function (p) { return p.data.timeline; });
      if (!with_.length) { return; }
      var periods = Math.max.apply(null, with_.map(function (p) { return p.data.timeline.periods; }));
      var t = with_[0].data.timeline;
      var bar = el("div", {"class": "ecobelt-timeline"});
      var play = el("button", {type: "button", "class": "ecobelt-play"}, "▶ play");
      var slider = el("input", {type: "range", min: "0", max: String(periods - 1), value: "0",
                                "aria-label": t.period});
      var label = el("span", {"class": "ecobelt-period"});
      var on = el("input", {type: "checkbox", "data-timeline": "1"});
      var onLabel = el("label", {"class": "ecobelt-row"});
      onLabel.appendChild(on);
      onLabel.appendChild(el("span", {}, "simulation on the network"));
      bar.appendChild(el("strong", {}, "Timeline"));
      bar.appendChild(play);
      bar.appendChild(slider);
      bar.appendChild(label);
      bar.appendChild(onLabel);
      bar.appendChild(el("span", {"class": "ecobelt-note"}, "link width: goods dispatched in the "
        + t.period + "; member fill: stock (green, from below), backlog (black, from above); "
        + "mean over " + t.replications + " replications, the same demand in every tab "
        + "(the legend gives the scales)"));
      var header = document.querySelector(".ecobelt-header");
      header.parentNode.insertBefore(bar, header.nextSibling);
      clock.bar = bar; clock.slider = slider; clock.label = label; clock.box = on;
      clock.playButton = play; clock.periods = periods; clock.unit = t.period;
      play.addEventListener("click", function () { if (clock.timer) { clock.pause(); } else { clock.play(); } });
      slider.addEventListener("input", function () { clock.pause(); clock.set(Number(slider.value), true); });
      on.addEventListener("change", function () { clock.set(clock.period, on.checked); });
      clock.show();
    },
    show: function () {
      if (!this.bar) { return; }
      this.slider.value = String(this.period);
      this.box.checked = this.on;
      this.label.textContent = this.unit + " " + (this.period + 1) + " of " + this.periods;
      this.playButton.textContent = this.timer ? "❚❚ pause" : "▶ play";
    },
    set: function (period, on) {
      this.period = Math.max(0, Math.min(this.periods - 1, period));
      this.on = on;
      if (this.panel) { this.panel.setPeriod(on ? this.period : null); }
      this.show();
    },
    play: function (msPerPeriod) {
      if (!this.bar) { return; }
      this.pause();
      if (this.period >= this.periods - 1) { this.period = 0; }
      this.set(this.period, true);
      this.timer = setInterval(function () {
        if (clock.period >= clock.periods - 1) { clock.pause(); return; }
        clock.set(clock.period + 1, true);
      }, msPerPeriod || 300);
      this.show();
    },
    pause: function () {
      if (this.timer) { clearInterval(this.timer); this.timer = null; }
      this.show();
    },
    follow: function (panel) {
      if (this.panel && this.panel !== panel) { this.panel.setPeriod(null); }
      this.panel = panel;
      if (this.bar) { this.bar.hidden = !panel.data.timeline; }
      panel.setPeriod(this.on ? this.period : null);
    }
  };

  function show(index) {
    tabs.forEach(function (tab) {
      tab.classList.toggle("active", Number(tab.getAttribute("data-tab")) === index);
    });
    document.querySelectorAll(".ecobelt-page").forEach(function (page) {
      page.hidden = Number(page.getAttribute("data-tab")) !== index;
    });
    var panel = panels.filter(function (p) { return p.tab === index; })[0];
    if (!panel && clock.bar) { clock.pause(); clock.bar.hidden = true; }
    if (panel) {
      panel.draw();
      panel.fitView();
      clock.follow(panel);
      api.current = panel;
      api.network = panel.network; api.nodes = panel.nodes; api.edges = panel.edges;
    }
    return panel;
  }

  tabs.forEach(function (tab) {
    tab.addEventListener("click", function () { show(Number(tab.getAttribute("data-tab"))); });
  });

  var api = {
    panels: panels, show: show, current: null, network: null, nodes: null, edges: null,
    setFlowVisible: function (flow, visible) { api.current.setVisible("flow", flow, visible); },
    setOverlayVisible: function (name, visible) { api.current.setVisible("overlay", name, visible); },
    counts: function () { return api.current.counts(); },
    drawnBoxes: function () { return api.current.drawnBoxes(); },
    timeline: clock,
    setDifference: function (on) { api.current.setDifference(on); }
  };
  window.ecobelt = api;
  clock.build();
  var first = document.querySelector(".ecobelt-page:not([data-overview])");
  show(first ? Number(first.getAttribute("data-tab")) : 0);
})();
