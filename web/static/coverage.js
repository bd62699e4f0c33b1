// Coverage page: draw the fairness chart from the figure JSON the server embedded, with the
// Plotly script served from the installed plotly package.
(function () {
  "use strict";
  var target = document.getElementById("fairness-chart");
  var data = document.getElementById("fairness-data");
  if (!target || !data || !window.Plotly) return;
  var figure = JSON.parse(data.textContent);
  window.Plotly.newPlot(target, figure.data, figure.layout, { responsive: true, displaylogo: false });
})();
