// The 三必谈 compliance chart (ECharts, SVG renderer): talks due and done in each period, as
// bars. The counts come from a JSON data island (json_script): CSP allows no inline script.
"use strict";

(function () {
  function draw(element, data) {
    var narrow = (element.clientWidth || 320) < 480;
    return {
      animation: false,
      tooltip: { trigger: "axis", confine: true },
      legend: { top: 0 },
      grid: { left: 8, right: 8, top: 32, bottom: 4, containLabel: true },
      xAxis: { type: "category", data: data.labels, axisLabel: { rotate: narrow ? 45 : 0, hideOverlap: true } },
      yAxis: { type: "value", minInterval: 1 },
      series: data.series.map(function (s) { return { type: "bar", name: s.name, data: s.values }; })
    };
  }

  function start() {
    var island = document.getElementById("engagement-compliance-data");
    var element = document.getElementById("compliance-chart");
    if (!island || !element || typeof window.echarts === "undefined") {
      return;
    }
    var data = JSON.parse(island.textContent);
    if (!data.labels.length) {
      return;
    }
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.on("finished", function () { element.dataset.drawn = "1"; });
    chart.setOption(draw(element, data));
    window.addEventListener("resize", function () {
      chart.resize();
      chart.setOption(draw(element, data), true);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
