// The case KPI dashboard's chart (ECharts, SVG renderer): the three rates (三率) by month.
// The data comes from a JSON data island (json_script), because CSP allows no inline script.
// A rate the reader may not see exactly arrives as null and leaves a gap in its line; the
// values are percentages computed by the server, never by the browser.
"use strict";

(function () {
  function option(data, width) {
    return {
      animation: false,
      tooltip: { trigger: "axis", confine: true, valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + "%"; } },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 16, top: 36, bottom: 4, containLabel: true },
      xAxis: {
        type: "category",
        data: data.labels,
        axisLabel: { hideOverlap: true, interval: width < 480 ? "auto" : 0, rotate: width < 480 ? 45 : 0 }
      },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: data.series.map(function (s) {
        return { type: "line", name: s.name, data: s.values, connectNulls: false, symbolSize: 6 };
      })
    };
  }

  function init() {
    var island = document.getElementById("cases-kpi-data");
    var element = document.getElementById("kpi-chart");
    if (!island || !element || typeof window.echarts === "undefined") {
      return;
    }
    var data = JSON.parse(island.textContent);
    if (!data.labels.length) {
      return;
    }
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.on("finished", function () { element.dataset.drawn = "1"; });
    chart.setOption(option(data, element.clientWidth || 320));
    window.addEventListener("resize", function () {
      chart.resize();
      chart.setOption(option(data, element.clientWidth || 320), true);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
