// Draws the dashboard's charts from the JSON the page carries (no inline script: the CSP forbids it).
(function () {
  "use strict";
  function pct(v) { return v === null || v === undefined ? null : Math.round(v * 1000) / 10; }
  function draw() {
    var node = document.getElementById("stats-chart");
    if (!node || !window.echarts) { return; }
    var data = JSON.parse(node.textContent);
    var charts = [];
    function chart(id, option) {
      var el = document.getElementById(id);
      if (!el) { return; }
      var c = window.echarts.init(el, null, { renderer: "svg" });
      c.setOption(option);
      charts.push(c);
    }
    var byRate = data.children.slice().sort(function (a, b) { return (pct(b.on_time_rate) || 0) - (pct(a.on_time_rate) || 0); });
    chart("chart-ontime", {
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null ? "—" : v + "%"; } },
      grid: { left: 90, right: 20, top: 10, bottom: 30 },
      xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", inverse: true, data: byRate.map(function (r) { return r.name; }) },
      series: [{ type: "bar", name: "按期办结率", data: byRate.map(function (r) { return pct(r.on_time_rate); }) }]
    });
    var byReceived = data.children.slice().sort(function (a, b) { return b.received - a.received; });
    chart("chart-received", {
      tooltip: { trigger: "axis" },
      grid: { left: 90, right: 20, top: 10, bottom: 30 },
      xAxis: { type: "value" },
      yAxis: { type: "category", inverse: true, data: byReceived.map(function (r) { return r.name; }) },
      series: [{ type: "bar", name: "收件量", data: byReceived.map(function (r) { return r.received; }) }]
    });
    chart("chart-trend", {
      tooltip: { trigger: "axis" },
      legend: { data: ["收件量", "办结量", "按期办结率"] },
      grid: { left: 50, right: 50, top: 40, bottom: 30 },
      xAxis: { type: "category", data: data.months.map(function (m) { return m.name; }) },
      yAxis: [{ type: "value" }, { type: "value", max: 100, axisLabel: { formatter: "{value}%" } }],
      series: [
        { type: "line", name: "收件量", data: data.months.map(function (m) { return m.received; }) },
        { type: "line", name: "办结量", data: data.months.map(function (m) { return m.completed; }) },
        { type: "line", name: "按期办结率", yAxisIndex: 1, data: data.months.map(function (m) { return pct(m.on_time_rate); }) }
      ]
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
