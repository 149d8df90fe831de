/* keytrail documents: optional interaction. The page reads completely without it; this adds
   drag-to-zoom to the charts whose numbers are in #kt-data (uPlot; double-click resets),
   sorting on every table header and a filter box above longer tables. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var state = { charts: {} };
  window.keytrail = state;
  var dataEl = document.getElementById("kt-data");
  var data = dataEl ? JSON.parse(dataEl.textContent) : { charts: [] };
  var colors = { reads: "#3b6ea5", writes: "#c77c11", errors: "#b3261e" };
  var palette = ["#3b6ea5", "#c77c11", "#b3261e", "#1d2330", "#2f8f5b"];
  var FILTER_ROWS = 8;

  function options(figure, height, series) {
    var opts = {
      width: Math.max(figure.clientWidth || 0, 320),
      height: height,
      cursor: { drag: { x: true, y: false, setScale: true } },
      scales: { x: { time: true } },
      series: [{}].concat(series.map(function (s) { s.points = { show: false }; return s; }))
    };
    if (data.tz) {
      opts.tzDate = function (ts) { return window.uPlot.tzDate(new Date(ts * 1e3), data.tz); };
    }
    return opts;
  }

  function timeSeries(figure, c) {
    var series = c.series.map(function (s, i) {
      var color = colors[s.name] || palette[i % palette.length];
      var line = { label: s.name, stroke: color, width: 1 };
      if (i === 0) line.fill = "rgba(59,110,165,0.12)";
      return line;
    });
    var values = [c.times].concat(c.series.map(function (s) { return s.values; }));
    return [options(figure, 240, series), values];
  }

  function band(figure, c) {
    var times = c.observed.map(function (_, i) { return c.start + i * c.step; });
    var top = Math.max.apply(null, c.observed.concat(c.upper.filter(function (v) { return v !== null; })));
    var episode = times.map(function (t) {
      return c.episodes.some(function (e) { return t >= e[0] && t < e[1]; }) ? top : null;
    });
    var series = [
      { label: "observed", stroke: "#1d2330", width: 1.3 },
      { label: "median", stroke: "#3b6ea5", dash: [3, 2], width: 1 },
      { label: "upper", stroke: "rgba(59,110,165,0.5)", width: 1 },
      { label: "lower", stroke: "rgba(59,110,165,0.5)", width: 1 },
      { label: "flagged at", stroke: "#b3261e", dash: [5, 3], width: 1 },
      { label: "episode", stroke: "rgba(232,163,61,0.9)", fill: "rgba(232,163,61,0.35)", width: 1,
        paths: window.uPlot.paths.bars({ size: [1, Infinity], gap: 0 }) }
    ];
    var opts = options(figure, 200, series);
    opts.bands = [{ series: [3, 4], fill: "rgba(59,110,165,0.14)" }];
    return [opts, [times, c.observed, c.median, c.upper, c.lower, c.flag_at, episode]];
  }

  function draw(c) {
    var figure = document.getElementById(c.id);
    var target = figure && figure.querySelector(".interactive");
    if (!target || !window.uPlot) return;
    var made = c.kind === "band" ? band(figure, c) : timeSeries(figure, c);
    if (made[1][0].length < 2) return;
    state.charts[c.id] = new window.uPlot(made[0], made[1], target);
    figure.classList.add("drawn");
  }

  function cellValue(row, index, numeric) {
    var cell = row.cells[index];
    var text = cell ? cell.textContent : "";
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

  function makeFilter(table) {
    if (!table.tBodies[0] || table.tBodies[0].rows.length <= FILTER_ROWS) return;
    var input = document.createElement("input");
    input.type = "search";
    input.className = "filter";
    input.placeholder = "filter rows";
    input.setAttribute("aria-label", "filter the rows of the table below");
    input.addEventListener("input", function () {
      var needle = input.value.toLowerCase();
      Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
        r.hidden = needle !== "" && r.textContent.toLowerCase().indexOf(needle) < 0;
      });
    });
    table.parentNode.insertBefore(input, table);
  }

  (data.charts || []).forEach(draw);
  Array.prototype.forEach.call(document.querySelectorAll("table.data"), function (table) {
    makeSortable(table);
    makeFilter(table);
  });
})();
