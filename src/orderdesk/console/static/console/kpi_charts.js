// KPI trend charts on /console/kpis/ (Chart.js, vendored). Loaded as a file: the CSP allows
// no inline script. The data comes from the page's JSON script tag #kpi-trend-data.
(function () {
  "use strict";

  var COLOURS = ["#1f5fbf", "#b3541e", "#2e7d32", "#6a1b9a", "#c62828"];

  function draw() {
    var source = document.getElementById("kpi-trend-data");
    if (!source || typeof window.Chart === "undefined") return;
    var trend = JSON.parse(source.textContent);
    document.querySelectorAll("canvas.kpi-chart").forEach(function (canvas) {
      var series = trend.series[Number(canvas.dataset.series)];
      if (!series) return;
      var colour = COLOURS[Number(canvas.dataset.series) % COLOURS.length];
      var chart = new window.Chart(canvas, {
        type: "line",
        data: {
          labels: trend.labels,
          datasets: [{
            label: series.label,
            data: series.values,
            borderColor: colour,
            backgroundColor: colour,
            spanGaps: false,
            pointRadius: trend.labels.length > 60 ? 0 : 2,
            tension: 0.2
          }]
        },
        options: {
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          plugins: { legend: { display: false } },
          scales: { y: { beginAtZero: true } }
        }
      });
      canvas.dataset.rendered = String(chart.data.datasets[0].data.filter(function (v) {
        return v !== null;
      }).length);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
