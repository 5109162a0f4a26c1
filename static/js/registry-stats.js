// Registry dashboard charts (ECharts). The data comes from a JSON data island written by the
// page (json_script), because CSP allows no inline script. Suppressed cells arrive as null.
"use strict";

(function () {
  function option(chart) {
    var data = chart.values;
    if (chart.type === "pie") {
      return {
        tooltip: { trigger: "item" },
        series: [{
          type: "pie",
          radius: ["35%", "65%"],
          data: chart.labels.map(function (label, i) { return { name: label, value: data[i] }; })
            .filter(function (item) { return item.value !== null; })
        }]
      };
    }
    var horizontal = chart.type === "bar" && chart.labels.length > 8;
    var category = { type: "category", data: chart.labels, axisLabel: { interval: 0, rotate: chart.type === "line" ? 45 : 0 } };
    var value = { type: "value", minInterval: 1 };
    return {
      tooltip: { trigger: "axis" },
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? Object.assign({}, category, { inverse: true }) : value,
      series: [{ type: chart.type === "line" ? "line" : "bar", data: data, connectNulls: false }]
    };
  }

  function init() {
    var island = document.getElementById("registry-stats-data");
    if (!island || typeof window.echarts === "undefined") {
      return;
    }
    var charts = [];
    JSON.parse(island.textContent).forEach(function (chart) {
      var element = document.getElementById("chart-" + chart.id);
      if (!element || chart.labels.length === 0) {
        return;
      }
      var instance = window.echarts.init(element, null, { renderer: "svg" });
      instance.setOption(option(chart));
      charts.push(instance);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (instance) { instance.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
