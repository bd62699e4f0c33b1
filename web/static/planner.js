// Planner pages: draw each chart from the figure JSON the server embedded (element
// [data-figure] names the <script type="application/json"> holding it), with the Plotly script
// served from the installed plotly package. The tables beside the charts hold the same numbers.
(function () {
  "use strict";
  if (!window.Plotly) return;
  document.querySelectorAll("[data-figure]").forEach(function (target) {
    var data = document.getElementById(target.dataset.figure);
    if (!data) return;
    var figure = JSON.parse(data.textContent);
    window.Plotly.newPlot(target, figure.data, figure.layout, { responsive: true, displaylogo: false });
  });
})();
