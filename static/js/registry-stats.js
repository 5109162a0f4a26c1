// Registry dashboard charts (ECharts, SVG renderer). The data comes from a JSON data island
// written by the page (json_script), because CSP allows no inline script. Hidden cells arrive
// as null with their text ("<5", "withheld") in `shown`; percentages come from the server,
// only beside shown counts, so the browser never divides by a total of its own.
// Categories are horizontal bars (one row per label, never overlapping on a phone); months are
// columns whose axis shows "3月" with the year under the first month and every January, with
// as many labels as fit; the current month is a lighter, dashed column.
"use strict";

(function () {
  var LABEL_PX = 34; // room one month label needs on the axis
  var YEAR_PX = 48; // room for a label with the year under it
  var ROW_PX = 30; // height of one category row

  function encode(text) {
    return window.echarts.format.encodeHTML(String(text));
  }

  function text(chart, i) {
    return chart.percents[i] ? chart.shown[i] + " · " + chart.percents[i] : chart.shown[i];
  }

  function tooltip(chart) {
    return {
      trigger: "axis",
      axisPointer: { type: "shadow" },
      confine: true,
      formatter: function (items) {
        var i = items[0].dataIndex;
        var lines = [encode(chart.labels[i]), encode(text(chart, i))];
        if (i === chart.partial) {
          lines.push(encode(chart.partialNote));
        }
        return lines.join("<br>");
      }
    };
  }

  function bars(chart, width) {
    var data = chart.values.map(function (value, i) {
      // A hidden row keeps its place with its text ("<5") and no bar.
      return value === null
        ? { value: 0, label: { formatter: chart.shown[i] } }
        : { value: value };
    });
    return {
      animation: false,
      tooltip: tooltip(chart),
      grid: { left: 8, right: 84, top: 4, bottom: 4, containLabel: true },
      xAxis: { type: "value", minInterval: 1, splitNumber: 3, axisLabel: { hideOverlap: true } },
      yAxis: {
        type: "category",
        inverse: true,
        data: chart.labels,
        axisTick: { show: false },
        axisLabel: {
          interval: 0,
          width: Math.max(64, Math.min(160, Math.round(width * 0.34))),
          overflow: "truncate"
        }
      },
      series: [{
        type: "bar",
        data: data,
        barMaxWidth: 20,
        label: {
          show: true,
          position: "right",
          formatter: function (params) { return text(chart, params.dataIndex); }
        }
      }]
    };
  }

  function monthLabels(chart, width) {
    // Every January (it carries the year) and the first month (with its year, unless a
    // January is near), then every step-th month that keeps clear of those: labels never
    // crowd, whatever the width. A label with a year is wider and keeps a wider gap.
    var n = chart.axisLabels.length;
    var slot = Math.max(width - 48, 1) / n;
    var step = Math.max(1, Math.ceil(LABEL_PX / slot));
    var yearStep = Math.max(step, Math.ceil(YEAR_PX / slot));
    var januaries = [];
    chart.axisLabels.forEach(function (label, i) {
      if (i > 0 && label.indexOf("\n") >= 0) {
        januaries.push(i);
      }
    });
    var chosen = januaries.slice();
    if (!januaries.length || januaries[0] >= yearStep) {
      chosen.push(0);
    }
    function clear(i) {
      return chosen.every(function (c) {
        var wide = chart.axisLabels[c].indexOf("\n") >= 0 || chart.axisLabels[i].indexOf("\n") >= 0;
        return Math.abs(c - i) >= (wide ? yearStep : step);
      });
    }
    for (var i = 0; i < n; i += step) {
      if (clear(i)) {
        chosen.push(i);
      }
    }
    return chosen;
  }

  function months(chart, width) {
    var shown = monthLabels(chart, width);
    var data = chart.values.map(function (value, i) {
      var item = { value: value };
      if (i === chart.partial) {
        item.itemStyle = { opacity: 0.5, borderType: "dashed", borderColor: "#0d6efd", borderWidth: 1.5 };
      }
      return item;
    });
    return {
      animation: false,
      tooltip: tooltip(chart),
      grid: { left: 8, right: 12, top: 16, bottom: 4, containLabel: true },
      xAxis: {
        type: "category",
        data: chart.axisLabels,
        axisTick: { alignWithLabel: true, interval: function (i) { return shown.indexOf(i) >= 0; } },
        axisLabel: {
          hideOverlap: true,
          lineHeight: 18,
          interval: function (i) { return shown.indexOf(i) >= 0; }
        }
      },
      yAxis: { type: "value", minInterval: 1, splitNumber: 3 },
      series: [{ type: "bar", data: data, barMaxWidth: 18 }]
    };
  }

  function build(chart, element) {
    var width = element.clientWidth || 320;
    return chart.type === "months" ? months(chart, width) : bars(chart, width);
  }

  function init() {
    var island = document.getElementById("registry-stats-data");
    if (!island || typeof window.echarts === "undefined") {
      return;
    }
    var drawn = [];
    JSON.parse(island.textContent).forEach(function (chart) {
      var element = document.getElementById("chart-" + chart.id);
      if (!element || chart.labels.length === 0) {
        return;
      }
      var note = document.getElementById("partial-" + chart.id);
      chart.partialNote = note ? note.textContent.trim() : "";
      if (chart.type !== "months") {
        element.style.height = chart.labels.length * ROW_PX + 40 + "px";
      }
      var instance = window.echarts.init(element, null, { renderer: "svg" });
      instance.on("finished", function () { element.dataset.drawn = "1"; });
      instance.setOption(build(chart, element));
      drawn.push({ chart: chart, element: element, instance: instance });
    });
    window.addEventListener("resize", function () {
      drawn.forEach(function (d) {
        d.instance.resize();
        d.instance.setOption(build(d.chart, d.element), true);
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
