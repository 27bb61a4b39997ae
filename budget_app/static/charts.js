// Draws every chart on the page from its JSON (no inline script; CSP allows only 'self').
(function () {
  function draw() {
    if (!window.Plotly) { return; }
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-chart"));
      if (!source) { return; }
      var fig = JSON.parse(source.textContent);
      var config = { responsive: true, displaylogo: false, locale: document.documentElement.lang,
                     modeBarButtonsToRemove: ["sendDataToCloud", "sendChartToCloud", "lasso2d", "select2d"] };
      window.Plotly.newPlot(el, fig.data, fig.layout, config).then(function () {
        el.setAttribute("data-chart-ready", "true");
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
