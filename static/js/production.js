// The production page's charts, drawn from the tables beside them: each row the chart uses carries data-chart-label
// and one data attribute per series (data-chart-series lists [attribute, label, colour]), so the chart and the table
// always show the same figures and the page reads and prints without JavaScript.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.Chart) { return; }
    document.querySelectorAll("canvas[data-chart-table]").forEach(function (canvas) {
      var table = document.getElementById(canvas.dataset.chartTable);
      if (!table) { return; }
      var series = JSON.parse(canvas.dataset.chartSeries);
      var rows = table.querySelectorAll("tbody " + canvas.dataset.chartRows);
      var labels = [];
      var datasets = series.map(function (item) {
        return { label: item[1], data: [], backgroundColor: item[2], borderColor: item[2] };
      });
      rows.forEach(function (row) {
        labels.push(row.dataset.chartLabel);
        series.forEach(function (item, i) {
          var value = parseFloat(row.getAttribute("data-" + item[0]));
          datasets[i].data.push(isNaN(value) ? null : value);
        });
      });
      datasets = datasets.filter(function (set) { return set.data.some(function (v) { return v !== null; }); });
      new window.Chart(canvas, {
        type: "bar",
        data: { labels: labels, datasets: datasets },
        options: { responsive: true, maintainAspectRatio: false, animation: false },
      });
    });
  });
})();
