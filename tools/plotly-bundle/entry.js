var Plotly = require("plotly.js/lib/core");
Plotly.register([
  require("plotly.js/lib/bar"),
  require("plotly.js/lib/sankey"),
  require("plotly.js/lib/treemap"),
  require("plotly.js/lib/locales/ar.js")
]);
window.Plotly = Plotly;
