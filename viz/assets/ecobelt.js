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

  function Panel(index, root) {
    this.index = index;
    this.root = root;
    this.tab = Number(root.closest(".ecobelt-page").getAttribute("data-tab"));
    this.data = JSON.parse(document.getElementById("ecobelt-data-" + index).textContent);
    this.network = null;
    this.ready = false;
    this.drawMs = null;
  }

  // Nodes are known to vis-network by their position, not by the member id: it keeps
  // nodes in a plain object, where ids such as "constructor" or "__proto__" would meet
  // the object's own properties.
  Panel.prototype.nodeList = function () {
    var d = this.data, n = d.nodes.id.length, nodes = new Array(n);
    var attrNames = d.nodeAttrs.names, attrValues = d.nodeAttrs.values;
    var metricNames = d.metrics.names, metricValues = d.metrics.values;
    for (var i = 0; i < n; i++) {
      var role = d.roles[d.nodes.role[i]], ring = d.nodes.ring[i];
      var lines = [d.nodes.id[i], role + " (" + d.ringLabels[ring] + ")"];
      for (var a = 0; a < attrNames.length; a++) {
        var value = attrValues[a][i];
        if (value !== null) { lines.push(attrNames[a] + ": " + fmt(value)); }
      }
      if (metricNames.length) { lines.push("\u2014 metrics \u2014"); }
      for (var k = 0; k < metricNames.length; k++) {
        lines.push(metricNames[k] + ": " + fmt(metricValues[k][i]));
      }
      var node = {
        id: i, x: d.nodes.x[i], y: d.nodes.y[i], size: d.nodes.size[i],
        shape: d.ringShapes[ring], color: d.roleColors[d.nodes.role[i]],
        title: lines.join("\n")
      };
      if (d.labels) { node.label = d.nodes.id[i]; }
      nodes[i] = node;
    }
    // an alliance's members: a thick black outline (borderWidth is kept when zooming)
    for (var h = 0; h < (d.highlight || []).length; h++) {
      var member = nodes[d.highlight[h]];
      member.borderWidth = 4;
      member.color = {background: member.color, border: "#000"};
      member.title = member.title + "\n\u2014 member of this alliance \u2014";
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

  // Edge ids: the ecosystem's links are 0..m-1 (their position in d.edges), each overlay's
  // edges follow in overlay order, so an id tells its group without a lookup table.
  Panel.prototype.edgeList = function () {
    var d = this.data, m = d.edges.from.length, edges = [];
    this.flowEdgeIds = d.flows.map(function () { return []; });
    this.ownWidth = {};
    this.ownColor = {};
    this.keptEdges = {};
    for (var j = 0; j < m; j++) {
      var f = d.edges.flow[j], from = d.nodes.id[d.edges.from[j]], to = d.nodes.id[d.edges.to[j]];
      var edge = {id: j, from: d.edges.from[j], to: d.edges.to[j], width: d.edges.width[j],
                  color: {color: d.flowColors[f], opacity: d.flowOpacity ? d.flowOpacity[f] : 0.75},
                  dashes: d.flowDashes[f],
                  title: attributeLines([from + " \u2192 " + to + " (" + d.flows[f] + ")"],
                                        d.edgeAttrs, j,
                                        d.flowUnits ? {volume: d.flowUnits[f]} : null)};
      if (d.smooth) { edge.smooth = {enabled: true, type: "curvedCW", roundness: d.flowRoundness[f]}; }
      edges.push(edge);
      this.flowEdgeIds[f].push(j);
      this.ownWidth[j] = edge.width;
      this.ownColor[j] = edge.color;
    }
    this.overlayNames = d.overlays.map(function (layer) { return layer.name; });
    this.overlayEdgeIds = [];
    var id = m, self = this;
    d.overlays.forEach(function (layer) {
      var ids = [], sign = layer.directed ? " \u2192 " : " \u2014 ";
      for (var i = 0; i < layer.edges.from.length; i++, id++) {
        var a = d.nodes.id[layer.edges.from[i]], b = d.nodes.id[layer.edges.to[i]];
        var edge = {id: id, from: layer.edges.from[i], to: layer.edges.to[i],
                    width: layer.edges.width[i],
                    color: {color: layer.color, opacity: 0.85}, dashes: layer.dashes,
                    arrows: {to: {enabled: layer.directed && !d.largeLinks, scaleFactor: 0.4}},
                    title: attributeLines([a + sign + b + " (" + layer.name + ")"],
                                          layer.edgeAttrs, i)};
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

  // fit() frames the nodes only; zoom out until the outermost ring's name is in view too
  Panel.prototype.fitRingLabels = function () {
    var d = this.data;
    if (this.physics || !d.bands || !d.nodes.id.length) { return; }
    var last = d.bands[d.bands.length - 1][1];
    var font = d.ringNameGap ? 16 : Math.max(16, 0.03 * last);
    var reach = 1.05 * (last + 3 * font);
    var canvas = this.root.querySelector(".ecobelt-network");
    var width = canvas.clientWidth || 800, height = canvas.clientHeight || 600;
    var scale = Math.min(width, height) / (2 * reach);
    if (scale < this.network.getScale()) {
      this.network.moveTo({position: {x: 0, y: 0}, scale: scale, animation: false});
    }
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
      row.appendChild(el("span", {}, role + " (" + d.roleCounts[r] + ")"));
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
      legend.appendChild(el("div", {"class": "ecobelt-note ecobelt-large"}, note));
    }
    if (d.sizeBy) {
      legend.appendChild(el("h3", {}, "Node size"));
      legend.appendChild(el("div", {"class": "ecobelt-note"},
        d.sizeBy + ": " + fmt(d.sizeRange[0]) + " (small) to " + fmt(d.sizeRange[1]) + " (large)"));
    }
    this.timelineLegend(legend);
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

  var panels = [];
  document.querySelectorAll(".ecobelt-panel").forEach(function (root) {
    panels.push(new Panel(Number(root.getAttribute("data-panel")), root));
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
      panel.network.fit({animation: false});
      panel.fitRingLabels();
      panel.fittedScale = panel.network.getScale();
      panel.updateOutlines();
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
