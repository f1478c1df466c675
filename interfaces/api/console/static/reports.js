// 销售报表: the page's rows (the same as its table) as a stacked bar chart of amounts and a
// line chart of tonnes, per month, one series per category / region / manager / customer.
(function () {
  var rows = JSON.parse(document.getElementById("sales-data").textContent);
  var periods = Array.from(new Set(rows.map(function (r) { return r.period; }))).sort();
  var keys = Array.from(new Set(rows.map(function (r) { return r.name || r.key || "—"; })));
  function series(field, type) {
    return keys.map(function (k) {
      return {
        name: k, type: type, stack: type === "bar" ? "all" : undefined,
        data: periods.map(function (p) {
          var hit = rows.find(function (r) { return r.period === p && (r.name || r.key || "—") === k; });
          return hit ? Number(hit[field]) : 0;
        })
      };
    });
  }
  function draw(id, field, type) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) { return; }
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      textStyle: { color: "#1a1a1a" },
      tooltip: { trigger: "axis" },
      legend: { top: 0, textStyle: { color: "#1a1a1a" } },
      grid: { top: 40, left: 80, right: 20, bottom: 30 },
      xAxis: { type: "category", data: periods, axisLabel: { color: "#1a1a1a" } },
      yAxis: { type: "value", axisLabel: { color: "#1a1a1a" } },
      series: series(field, type)
    });
    el.setAttribute("data-drawn", String(keys.length));
  }
  draw("chart-amount", "ordered_amount", "bar");
  draw("chart-tonnes", "ordered_tonnes", "line");
})();
