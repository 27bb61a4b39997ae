// Draws every chart on the page from its JSON (no inline script; CSP allows only 'self').
// Charts follow their container's width (Plotly's responsive mode). For print, each drawing is
// scaled down to the width of an A4 text block (a CSS transform set here and used by the print
// stylesheets): redrawing instead would run Plotly's transitions, and a Sankey printed mid-way
// lost its flows.
(function () {
  var PRINT_WIDTH = 680;  // 180 mm at 96 dpi, the chart width of the print stylesheets

  var NARROW = 560;  // below this width a horizontal bar chart gets short, wrapped category labels

  function wrap(text, width) {
    // Whole words on up to three lines of ``width`` characters; the rest as "…" (the full text
    // stays in the hover label and in the table next to the chart).
    var words = String(text).split(/\s+/), lines = [], line = "";
    words.forEach(function (word) {
      if (line && (line + " " + word).length > width) { lines.push(line); line = word; } else { line = line ? line + " " + word : word; }
    });
    if (line) { lines.push(line); }
    if (lines.length > 3) { lines = lines.slice(0, 3); lines[2] = lines[2].slice(0, width - 1) + "…"; }
    return lines.map(function (l) { return l.length > width ? l.slice(0, width - 1) + "…" : l; });
  }
  // Phones: the category names of horizontal bars took most of the width (the bars were a sliver
  // and Arabic names ran over them). Narrow charts get the names wrapped on a third of the width,
  // smaller ticks and fewer money ticks; the layout sent by the server is kept for wide screens.
  function swapXY(text) {
    return typeof text === "string" ? text.replace(/%\{x\}/g, "%{__y}").replace(/%\{y\}/g, "%{x}").replace(/%\{__y\}/g, "%{y}") : text;
  }
  // Columns over named categories (sectors) squeezed their names into one another on a phone:
  // there they turn into horizontal bars, names beside the bars. Charts with lines or notes
  // drawn at data positions (the funding line of the votes chart) are left as they are.
  function columnsToBars(data, layout) {
    var columns = data.filter(function (t) { return t.type === "bar" && t.orientation !== "h" && t.x && t.x.length; });
    if (!columns.length || columns.length !== data.length || (layout.shapes || []).length ||
        (layout.annotations || []).length) { return data; }
    var named = columns[0].x.some(function (c) { return String(c).replace(/<br>/g, " ").length > 8; });
    if (!named || columns[0].x.length < 3) { return data; }
    var rtl = document.documentElement.dir === "rtl";
    var oldX = layout.xaxis || {}, oldY = layout.yaxis || {};
    layout.yaxis = Object.assign({}, oldX, { side: rtl ? "right" : "left", autorange: "reversed" });
    delete layout.yaxis.tickangle;
    layout.xaxis = Object.assign({}, oldY, { side: "bottom", autorange: rtl ? "reversed" : true });
    return data.map(function (t) {
      var bar = Object.assign({}, t, { orientation: "h", x: t.y, y: t.x.map(function (c) { return String(c).replace(/<br>/g, " "); }) });
      bar.hovertemplate = swapXY(t.hovertemplate);
      return bar;
    });
  }
  function fitWidth(el, fig) {
    var width = el.clientWidth, layout = JSON.parse(JSON.stringify(fig.original.layout || {}));
    var data = fig.original.data;
    if (width && width < NARROW) { data = columnsToBars(data, layout); }
    var bars = data.filter(function (t) { return t.type === "bar" && t.orientation === "h" && t.y && t.y.length; });
    if (!width || width >= NARROW || !bars.length) { return { data: data, layout: layout }; }
    var chars = Math.max(10, Math.floor(width * 0.36 / 7));
    var categories = [], seen = {};
    bars.forEach(function (t) { t.y.forEach(function (c) { if (!seen[c]) { seen[c] = true; categories.push(c); } }); });
    var longest = 0, most = 1;
    var ticktext = categories.map(function (c) {
      var lines = wrap(c, chars);
      most = Math.max(most, lines.length);
      lines.forEach(function (l) { longest = Math.max(longest, l.length); });
      return lines.join("<br>");
    });
    var yaxis = layout.yaxis = layout.yaxis || {};
    yaxis.tickmode = "array"; yaxis.tickvals = categories; yaxis.ticktext = ticktext;
    yaxis.tickfont = Object.assign({}, yaxis.tickfont || {}, { size: 12 });
    yaxis.automargin = true;
    var xaxis = layout.xaxis = layout.xaxis || {};
    xaxis.nticks = 4; xaxis.tickangle = 0; xaxis.automargin = true;
    xaxis.tickfont = Object.assign({}, xaxis.tickfont || {}, { size: 11 });
    if (xaxis.title) { xaxis.title = Object.assign({}, typeof xaxis.title === "string" ? { text: xaxis.title } : xaxis.title, { standoff: 8 }); }
    var margin = layout.margin = Object.assign({ l: 20, r: 20, t: 20, b: 50 }, layout.margin || {});
    var room = Math.min(Math.ceil(width * 0.42), 14 + Math.ceil(longest * 6.6));
    if (yaxis.side === "right") { margin.r = room; margin.l = Math.min(margin.l, 16); } else { margin.l = room; margin.r = Math.min(margin.r, 16); }
    var rowHeight = Math.max(14 * most + 16, 20 * (layout.barmode === "group" ? bars.length : 1) + 14);
    margin.b = Math.min(margin.b || 0, 60);
    layout.height = Math.max(200, categories.length * rowHeight + (margin.t || 0) + margin.b + 30);
    el.style.minHeight = layout.height + "px";
    return { data: data, layout: layout };
  }

  var CONFIG = { responsive: true, displaylogo: false,
                 modeBarButtonsToRemove: ["sendDataToCloud", "sendChartToCloud", "lasso2d", "select2d"] };

  function render(el) {
    var source = document.getElementById(el.getAttribute("data-chart"));
    if (!source) { return; }
    if (!el.sharakaFigure) { el.sharakaFigure = { original: JSON.parse(source.textContent) }; }
    // A chart in a closed <details> (or otherwise hidden) has no width yet: Plotly would draw it
    // at its default 700 px. It is drawn when it is shown (see "toggle" below).
    if (!el.clientWidth) { el.setAttribute("data-chart-pending", "true"); return; }
    el.removeAttribute("data-chart-pending");
    var fitted = fitWidth(el, el.sharakaFigure);
    el.sharakaWidth = el.clientWidth;
    var config = Object.assign({ locale: document.documentElement.lang }, CONFIG);
    var drawn = el.getAttribute("data-chart-ready") ? window.Plotly.react(el, fitted.data, fitted.layout, config)
      : window.Plotly.newPlot(el, fitted.data, fitted.layout, config);
    drawn.then(function () {
      if (!el.getAttribute("data-chart-ready")) {
        el.setAttribute("data-chart-ready", "true");
        el.on("plotly_afterplot", function () { scaleForPrint(el); });
      }
      scaleForPrint(el);
    });
  }
  function draw() {
    if (!window.Plotly) { return; }
    document.querySelectorAll("[data-chart]").forEach(render);
  }
  // Opening a <details> draws the charts it holds (or fits them to their width).
  document.addEventListener("toggle", function (event) {
    var box = event.target;
    if (!box.open || !window.Plotly) { return; }
    box.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.getAttribute("data-chart-pending") || !el.getAttribute("data-chart-ready")) { render(el); }
      else { window.Plotly.Plots.resize(el); }
    });
  }, true);
  // Crossing the phone width redraws the labels (Plotly's responsive mode only rescales).
  var resizing = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizing);
    resizing = window.setTimeout(function () {
      document.querySelectorAll("[data-chart-ready]").forEach(function (el) {
        var before = el.sharakaWidth || 0, now = el.clientWidth;
        if (now && (before < NARROW) !== (now < NARROW)) { render(el); }
      });
      document.querySelectorAll("[data-chart-pending]").forEach(function (el) { if (el.clientWidth) { render(el); } });
    }, 200);
  });
  function scaleForPrint(el) {
    var drawn = el.querySelector(".main-svg");
    if (!drawn) { return; }
    var width = parseFloat(drawn.getAttribute("width"));
    var height = parseFloat(drawn.getAttribute("height"));
    if (!width || !height) { return; }
    var scale = Math.min(1, PRINT_WIDTH / width);
    el.style.setProperty("--print-scale", String(scale));
    el.style.setProperty("--print-block-size", Math.ceil(height * scale) + "px");
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
  window.addEventListener("beforeprint", function () { document.querySelectorAll("[data-chart-ready]").forEach(scaleForPrint); });
})();
