// Draw each chart from the table it sits above: rows carry data-chart-label and data-chart-value, so the chart and
// the table always show the same figures, and the page reads and prints without JavaScript.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.Chart) { return; }
    document.querySelectorAll("canvas[data-chart-table]").forEach(function (canvas) {
      var table = document.getElementById(canvas.dataset.chartTable);
      if (!table) { return; }
      var labels = [], values = [];
      table.querySelectorAll("tbody tr[data-chart-label]").forEach(function (row) {
        var value = parseFloat(row.dataset.chartValue);
        if (!isNaN(value)) { labels.push(row.dataset.chartLabel); values.push(value); }
      });
      new window.Chart(canvas, {
        type: "bar",
        data: { labels: labels, datasets: [{ label: canvas.dataset.chartLabel, data: values, backgroundColor: "#0d6efd" }] },
        options: { responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true, max: 100 } } },
      });
    });
  });
})();
