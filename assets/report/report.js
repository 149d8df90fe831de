/* keytrail report: optional interaction (zoom, sort, filter). The report reads without it. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var state = { charts: {} };
  window.keytrail = state;
  var dataEl = document.getElementById("kt-data");
  var data = dataEl ? JSON.parse(dataEl.textContent) : null;

  function drawActivity() {
    var el = document.getElementById("activity-chart");
    if (!el || !data || !window.uPlot || data.activity.times.length < 2) return;
    var a = data.activity;
    var opts = {
      width: Math.max(el.parentNode.clientWidth || 0, 320),
      height: 240,
      cursor: { drag: { x: true, y: false, setScale: true } },
      scales: { x: { time: true } },
      series: [
        {},
        { label: "reads", stroke: "#3b6ea5", fill: "rgba(59,110,165,0.12)", width: 1 },
        { label: "writes", stroke: "#c77c11", width: 1 },
        { label: "errors", stroke: "#b3261e", width: 1 }
      ]
    };
    if (data.tz) {
      opts.tzDate = function (ts) { return window.uPlot.tzDate(new Date(ts * 1e3), data.tz); };
    }
    var u = new window.uPlot(opts, [a.times, a.reads, a.writes, a.errors], el);
    state.charts.activity = u;
    el.parentNode.classList.add("drawn");
  }

  function drawBaselines() {
    if (!data || !window.uPlot || !data.baselines) return;
    state.charts.baselines = [];
    data.baselines.forEach(function (b, i) {
      var el = document.getElementById("baseline-chart-" + (i + 1));
      if (!el || b.observed.length < 2) return;
      var times = b.observed.map(function (_, h) { return b.start + h * 3600; });
      var opts = {
        width: Math.max(el.parentNode.clientWidth || 0, 320),
        height: 200,
        cursor: { drag: { x: true, y: false, setScale: true } },
        scales: { x: { time: true } },
        series: [
          {},
          { label: "observed", stroke: "#1d2330", width: 1.3 },
          { label: "median", stroke: "#3b6ea5", dash: [3, 2], width: 1 },
          { label: "upper", stroke: "rgba(59,110,165,0.5)", width: 1 },
          { label: "lower", stroke: "rgba(59,110,165,0.5)", width: 1 },
          { label: "flagged at", stroke: "#b3261e", dash: [5, 3], width: 1 },
          { label: "episode", stroke: "rgba(232,163,61,0.9)", fill: "rgba(232,163,61,0.35)", width: 1, paths: window.uPlot.paths.bars({ size: [1, Infinity], gap: 0 }) }
        ].map(function (s, k) { if (k > 0) s.points = { show: false }; return s; }),
        bands: [{ series: [3, 4], fill: "rgba(59,110,165,0.14)" }]
      };
      if (data.tz) {
        opts.tzDate = function (ts) { return window.uPlot.tzDate(new Date(ts * 1e3), data.tz); };
      }
      var top = Math.max.apply(null, b.observed.concat(b.upper.filter(function (v) { return v !== null; })));
      var episode = times.map(function (t) {
        return b.episodes.some(function (e) { return t >= e[0] && t < e[1]; }) ? top : null;
      });
      var u = new window.uPlot(opts, [times, b.observed, b.median, b.upper, b.lower, b.flag_at, episode], el);
      state.charts.baselines.push(u);
      el.parentNode.classList.add("drawn");
    });
  }

  function cellValue(row, index, numeric) {
    var cell = row.cells[index];
    var text = cell ? (cell.getAttribute("data-v") || cell.textContent) : "";
    return numeric ? (parseFloat(text) || 0) : text.toLowerCase();
  }

  function makeSortable(table) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, index) {
      th.addEventListener("click", function () {
        var numeric = th.classList.contains("num");
        var asc = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (x, y) {
          var a = cellValue(x, index, numeric), b = cellValue(y, index, numeric);
          return (a < b ? -1 : a > b ? 1 : 0) * (asc ? 1 : -1);
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }

  function makeFilter(input) {
    var table = document.getElementById(input.getAttribute("data-filter-for"));
    if (!table) return;
    input.addEventListener("input", function () {
      var needle = input.value.toLowerCase();
      Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
        r.hidden = needle !== "" && r.textContent.toLowerCase().indexOf(needle) < 0;
      });
    });
  }

  drawActivity();
  drawBaselines();
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), makeSortable);
  Array.prototype.forEach.call(document.querySelectorAll("input.filter"), makeFilter);
})();
