// report.html's script: draws the study from the JSON element #report-data (written by
// experiments/report/ReportData.cpp) with uPlot and small hand-drawn SVG. Every text from the
// study goes into the page as text (textContent, setAttribute), never as markup.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var root = document.getElementById('report');
  var minimize = data.goal !== 'maximize';
  var primary = data.primary_backend;
  var trials = data.trials;
  var multiBackend = (data.backends || []).length > 1;
  var SVGNS = 'http://www.w3.org/2000/svg';

  // ---- helpers -------------------------------------------------------------------------------
  function el(tag, attrs) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') e.textContent = attrs[k];
      else if (k.slice(0, 2) === 'on') e.addEventListener(k.slice(2), attrs[k]);
      else e.setAttribute(k, attrs[k]);
    });
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c != null) e.append(c);
    }
    return e;
  }
  function svg(tag, attrs, parent) {
    var e = document.createElementNS(SVGNS, tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') e.textContent = attrs[k];
      else e.setAttribute(k, attrs[k]);
    });
    if (parent) parent.append(e);
    return e;
  }
  function fmt(v, digits) {
    if (v == null) return '';
    if (typeof v !== 'number') return String(v);
    if (Number.isInteger(v)) return String(v);
    return String(Number(v.toPrecision(digits || 4)));
  }
  function better(a, b) { return minimize ? a < b : a > b; }
  function key(t) { return t.backend + ':' + t.id; }
  function section(id, title, note) {
    var s = el('section', { id: id }, el('h2', { text: title }));
    if (note) s.append(el('p', { class: 'note', text: note }));
    root.append(s);
    return s;
  }
  function quantile(sorted, q) {
    if (!sorted.length) return NaN;
    var at = (sorted.length - 1) * q, lo = Math.floor(at), hi = Math.ceil(at);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
  }
  function mean(xs) { return xs.reduce(function (a, b) { return a + b; }, 0) / xs.length; }
  // Every section is as wide as the report: measured once, before the trial table is in the
  // page (reading a width after it makes the browser lay out 1,000 rows again).
  var pageWidth = root.clientWidth || 1200;
  function widthOf(node, fallback) { return Math.max(260, Math.min(pageWidth, fallback || pageWidth) - 4); }

  // ---- state kept across the live page's reloads ---------------------------------------------
  var stateKey = 'tunelab-report:' + data.study;
  var state = { sort: 'rank', dir: 1, filter: '', status: '', selected: null, curve: data.metric };
  try {
    var saved = JSON.parse(window.sessionStorage.getItem(stateKey) || 'null');
    if (saved) Object.assign(state, saved);
  } catch (e) { /* no storage: start fresh */ }
  function saveState() {
    try {
      state.scroll = window.scrollY;
      window.sessionStorage.setItem(stateKey, JSON.stringify(state));
    } catch (e) { /* no storage */ }
  }

  // ---- the trials ranked -------------------------------------------------------------------------
  var ranked = trials.filter(function (t) { return t.backend === primary && t.value != null; });
  ranked.sort(function (a, b) { return better(a.value, b.value) ? -1 : better(b.value, a.value) ? 1 : a.id - b.id; });
  var rankOf = {};
  ranked.forEach(function (t, i) { rankOf[key(t)] = i + 1; });
  var best = ranked[0];
  var paramNames = [];
  trials.forEach(function (t) {
    Object.keys(t.params).forEach(function (p) { if (paramNames.indexOf(p) < 0) paramNames.push(p); });
  });
  var byKey = {};
  trials.forEach(function (t) { byKey[key(t)] = t; });

  // A parameter: numeric (a continuous axis) or discrete (its levels in order of appearance;
  // numbers with few distinct values are levels too, in ascending order).
  function describeParam(name) {
    var values = [], numeric = true;
    trials.forEach(function (t) {
      var v = t.params[name];
      if (v === undefined) return;
      if (typeof v !== 'number') numeric = false;
      if (values.indexOf(v) < 0) values.push(v);
    });
    if (numeric) values.sort(function (a, b) { return a - b; });
    var discrete = !numeric || values.length <= 12;
    var positive = numeric && values.length > 0 && values[0] > 0;
    var log = numeric && !discrete && positive && values[values.length - 1] / values[0] > 50;
    return { name: name, levels: values, discrete: discrete, numeric: numeric, log: log };
  }
  // A parameter with one value explains nothing: it is in the table, not in the charts.
  var params = paramNames.map(describeParam).filter(function (p) { return p.levels.length > 1; });
  var INTEGER_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];

  // ---- importance: functional ANOVA's main effects ---------------------------------------------
  // Each parameter's share of the metric's variance that its own value explains: the variance of
  // the metric's mean at each of its values (the main effect). On a full grid (every
  // combination of the parameters' values once) this is exactly fANOVA's first-order
  // decomposition under the uniform measure over the grid, and what is left is interactions.
  // Otherwise it is an estimate: continuous parameters are cut into 8 quantile bins, and the
  // shares of unevenly sampled values are correlated with each other.
  function levelOf(p, v, bins) {
    if (p.discrete) return String(v);
    for (var i = 0; i < bins.length; i++) if (v <= bins[i]) return String(i);
    return String(bins.length);
  }
  function importance(rows) {
    var ys = rows.map(function (t) { return t.value; });
    var m = mean(ys);
    var total = mean(ys.map(function (y) { return (y - m) * (y - m); }));
    var combos = {};
    rows.forEach(function (t) { combos[JSON.stringify(params.map(function (p) { return t.params[p.name]; }))] = 1; });
    var gridSize = params.reduce(function (n, p) { return n * (p.discrete ? p.levels.length : Infinity); }, 1);
    var exact = params.length > 0 && Object.keys(combos).length === rows.length && rows.length === gridSize;
    var shares = params.map(function (p) {
      var sorted = rows.map(function (t) { return t.params[p.name]; }).filter(function (v) { return typeof v === 'number'; }).sort(function (a, b) { return a - b; });
      var bins = p.discrete ? [] : [1, 2, 3, 4, 5, 6, 7].map(function (i) { return quantile(sorted, i / 8); });
      var groups = {};
      rows.forEach(function (t) {
        var g = levelOf(p, t.params[p.name], bins);
        (groups[g] = groups[g] || []).push(t.value);
      });
      var between = 0;
      Object.keys(groups).forEach(function (g) {
        var gm = mean(groups[g]);
        between += groups[g].length * (gm - m) * (gm - m);
      });
      return { param: p, share: total > 0 ? between / rows.length / total : 0 };
    });
    shares.sort(function (a, b) { return b.share - a.share; });
    return { shares: shares, exact: exact, total: total };
  }

  // ---- charts ----------------------------------------------------------------------------------
  var charts = [];
  function uplot(parent, opts, series) {
    var u = new uPlot(opts, series, parent);
    charts.push(u);
    return u;
  }
  function lineSeries(label, color, dash, width) {
    return { label: label, stroke: color, width: width || 1.6, dash: dash, spanGaps: false, points: { show: false } };
  }

  // The values of one trial grouped as Keras plots them: each value with its val_ twin.
  function curveGroups(t) {
    var groups = {};
    Object.keys(t.curves.values || {}).forEach(function (name) {
      var base = name.indexOf('val_') === 0 ? name.slice(4) : name;
      (groups[base] = groups[base] || []).push(name);
    });
    return groups;
  }
  function trialCurves(parent, t, width) {
    var grid = el('div', { class: 'grid' });
    parent.append(grid);
    var groups = curveGroups(t);
    Object.keys(groups).sort().forEach(function (base) {
      var names = groups[base].sort();
      var series = [{ label: 'epoch' }];
      var cols = [t.curves.epoch];
      names.forEach(function (n) {
        var val = n.indexOf('val_') === 0;
        series.push(lineSeries(n, val ? '#1f6fd1' : '#d1661f', val ? [6, 3] : undefined, 1.8));
        cols.push(t.curves.values[n]);
      });
      if (names.indexOf(data.metric) >= 0 && t.best_epoch > 0 && t.value != null) {
        series.push({ label: 'best epoch ' + t.best_epoch, stroke: '#c0392b', width: 0, paths: function () { return null; }, points: { show: true, size: 10, width: 2, fill: 'transparent' } });
        cols.push(t.curves.epoch.map(function (e) { return e === t.best_epoch ? t.value : null; }));
      }
      var fig = el('figure', {}, el('figcaption', { text: base }));
      grid.append(fig);
      uplot(fig, { width: width, height: 220, series: series, scales: { x: { time: false } }, axes: [{ label: 'epoch', incrs: INTEGER_STEPS }, {}] }, cols);
    });
    if (!Object.keys(groups).length) grid.append(el('p', { class: 'note', text: 'No epochs recorded.' }));
  }

  // A plot frame in SVG: y maps the metric (clipped to the 95th percentile of values, so one
  // diverged trial does not flatten the rest; its dot sits at the top).
  function yRange(values) {
    var s = values.filter(isFinite).sort(function (a, b) { return a - b; });
    var lo = s[0], hi = s.length >= 20 ? quantile(s, minimize ? 0.95 : 1) : s[s.length - 1];
    if (!minimize && s.length >= 20) lo = quantile(s, 0.05);
    if (!(hi > lo)) { var pad = Math.max(Math.abs(lo) * 0.05, 1e-6); return [lo - pad, hi + pad]; }
    var p = (hi - lo) * 0.05;
    return [lo - p, hi + p];
  }
  function frame(w, h, yr, yLabel) {
    var s = svg('svg', { class: 'plot', width: w, height: h, viewBox: '0 0 ' + w + ' ' + h });
    var f = { svg: s, left: 56, right: 8, top: 8, bottom: 44, w: w, h: h };
    f.pw = w - f.left - f.right;
    f.ph = h - f.top - f.bottom;
    f.y = function (v) { var c = Math.min(Math.max(v, yr[0]), yr[1]); return f.top + (1 - (c - yr[0]) / (yr[1] - yr[0])) * f.ph; };
    svg('rect', { class: 'frame', x: f.left, y: f.top, width: f.pw, height: f.ph }, s);
    s.addEventListener('click', function (ev) {
      var k = ev.target.getAttribute && ev.target.getAttribute('data-trial');
      if (k && byKey[k]) selectTrial(byKey[k], true);
    });
    for (var i = 0; i <= 4; i++) {
      var v = yr[0] + (yr[1] - yr[0]) * i / 4;
      svg('line', { class: 'tick', x1: f.left, x2: w - f.right, y1: f.y(v), y2: f.y(v) }, s);
      svg('text', { x: f.left - 4, y: f.y(v) + 4, 'text-anchor': 'end', text: fmt(v, 3) }, s);
    }
    svg('text', { transform: 'translate(12,' + (f.top + f.ph / 2) + ') rotate(-90)', 'text-anchor': 'middle', text: yLabel }, s);
    return f;
  }
  function dot(f, x, y, t) {
    var c = svg('circle', { class: 'dot' + (t === best ? ' best' : ''), r: t === best ? 4.5 : 3, cx: x.toFixed(1), cy: f.y(y).toFixed(1), 'data-trial': key(t) }, f.svg);
    svg('title', { text: 'trial ' + t.id + ': ' + data.metric + ' ' + fmt(t.value, 6) }, c);
    return c;
  }

  // A parameter's effect: for discrete values a box per value with every trial as a dot over
  // it; for a continuous parameter the metric against it (log scale over wide ranges).
  function effectPlot(parent, p, rows, yr) {
    // Wide enough that the values' names below the boxes do not run into each other.
    var chars = p.discrete ? Math.max.apply(null, p.levels.map(function (l) { return Math.min(String(l).length, 14); })) : 0;
    var width = p.discrete ? Math.min(widthOf(parent), Math.max(300, 64 + p.levels.length * (chars * 7 + 12))) : 300;
    var f = frame(width, 230, yr, data.metric);
    var fig = el('figure', {}, el('figcaption', { text: p.name }), f.svg);
    parent.append(fig);
    if (p.discrete) {
      var step = f.pw / p.levels.length;
      p.levels.forEach(function (level, i) {
        var cx = f.left + step * (i + 0.5);
        var ys = rows.filter(function (t) { return t.params[p.name] === level; }).map(function (t) { return t.value; }).sort(function (a, b) { return a - b; });
        var label = svg('text', { x: cx, y: f.top + f.ph + 14, 'text-anchor': 'middle', text: String(level).length > 14 ? String(level).slice(0, 13) + '\u2026' : String(level) }, f.svg);
        svg('title', { text: String(level) + ': ' + ys.length + ' trials, mean ' + fmt(ys.length ? mean(ys) : NaN) }, label);
        if (!ys.length) return;
        var q1 = quantile(ys, 0.25), q3 = quantile(ys, 0.75), iqr = q3 - q1;
        var lo = ys.filter(function (y) { return y >= q1 - 1.5 * iqr; })[0];
        var hi = ys.filter(function (y) { return y <= q3 + 1.5 * iqr; }).pop();
        var bw = Math.min(step * 0.6, 40);
        svg('line', { class: 'whisker', x1: cx, x2: cx, y1: f.y(lo), y2: f.y(hi) }, f.svg);
        svg('rect', { class: 'box', x: cx - bw / 2, width: bw, y: f.y(q3), height: Math.max(1, f.y(q1) - f.y(q3)) }, f.svg);
        svg('line', { class: 'median', x1: cx - bw / 2, x2: cx + bw / 2, y1: f.y(quantile(ys, 0.5)), y2: f.y(quantile(ys, 0.5)) }, f.svg);
      });
      rows.forEach(function (t, j) {
        var i = p.levels.indexOf(t.params[p.name]);
        if (i < 0) return;
        var jitter = ((j * 7919) % 101 / 100 - 0.5) * Math.min(step * 0.5, 30);
        dot(f, f.left + step * (i + 0.5) + jitter, t.value, t);
      });
    } else {
      var tr = p.log ? Math.log10 : function (v) { return v; };
      var a = tr(p.levels[0]), b = tr(p.levels[p.levels.length - 1]);
      var x = function (v) { return f.left + (b > a ? (tr(v) - a) / (b - a) : 0.5) * f.pw; };
      for (var i = 0; i <= 4; i++) {
        var v = p.log ? Math.pow(10, a + (b - a) * i / 4) : a + (b - a) * i / 4;
        svg('text', { x: x(v), y: f.top + f.ph + 14, 'text-anchor': 'middle', text: fmt(v, 2) }, f.svg);
      }
      rows.forEach(function (t) { if (typeof t.params[p.name] === 'number') dot(f, x(t.params[p.name]), t.value, t); });
    }
    svg('text', { x: f.left + f.pw / 2, y: f.h - 6, 'text-anchor': 'middle', text: p.name + (p.log ? ' (log scale)' : '') }, f.svg);
  }

  // ---- sections --------------------------------------------------------------------------------
  function drawLive() {
    if (!data.live) return;
    var running = trials.filter(function (t) { return t.status === 'running'; });
    var finished = trials.filter(function (t) { return t.status !== 'running' && t.status !== 'interrupted'; });
    var s = section('live', 'Running now: ' + running.length + ' trials');
    var total = data.live.expected_trials;
    var done = finished.filter(function (t) { return t.seconds > 0; });
    var text = finished.length + (total ? ' of ' + total : '') + ' trials finished, ' + fmt(data.live.elapsed_seconds, 3) + ' s since this run started.';
    if (total && done.length && total > finished.length) {
      var perTrial = mean(done.map(function (t) { return t.seconds; }));
      var eta = perTrial * (total - finished.length) / Math.max(1, running.length);
      text += ' About ' + fmt(eta, 2) + ' s left (the mean trial time so far, over ' + Math.max(1, running.length) + ' trials at once).';
    }
    s.append(el('p', { class: 'note', text: text }));
    var grid = el('div', { class: 'grid' });
    s.append(grid);
    running.forEach(function (t) {
      var epochs = t.curves.epoch.length;
      var budget = t.budget > 0 ? t.budget : data.live.epochs_per_trial;
      var fig = el('figure', { class: 'running', 'data-trial': key(t) }, el('figcaption', { text: 'trial ' + t.id + (multiBackend ? ' on ' + t.backend : '') + ': ' + epochs + (budget ? ' of ' + budget : '') + ' epochs' }));
      grid.append(fig);
      var m = (t.curves.values || {})[data.metric];
      if (m && epochs) uplot(fig, { width: 300, height: 160, legend: { show: false }, scales: { x: { time: false } }, series: [{}, lineSeries(data.metric, '#1f6fd1')] }, [t.curves.epoch, m]);
    });
  }

  function drawHistory() {
    if (!ranked.length) return;
    var s = section('history', data.metric + ' of each trial, and the best so far', 'Grey: each trial in the order it was made; blue: the best so far. Hover for values.');
    var inOrder = ranked.slice().sort(function (a, b) { return a.id - b.id; });
    var bestSoFar = [], cur = null;
    inOrder.forEach(function (t) { if (cur === null || better(t.value, cur)) cur = t.value; bestSoFar.push(cur); });
    uplot(s, {
      width: widthOf(s), height: 300, scales: { x: { time: false } }, axes: [{ label: 'trial', incrs: INTEGER_STEPS }, { label: data.metric }],
      series: [{ label: 'trial' }, { label: data.metric, stroke: '#888', paths: function () { return null; }, points: { show: true, size: 5, fill: '#888' } },
        { label: 'best so far', stroke: '#1f6fd1', width: 2, paths: uPlot.paths.stepped({ align: 1 }) }]
    }, [inOrder.map(function (t) { return t.id; }), inOrder.map(function (t) { return t.value; }), bestSoFar]);
  }

  function primaryComplete() {
    return trials.filter(function (t) { return t.backend === primary && t.value != null && isFinite(t.value); });
  }

  function drawImportance(rows) {
    if (!params.length || rows.length < 2) return;
    var imp = importance(rows);
    var s = section('importance', 'Parameter importance', imp.exact
      ? 'Functional ANOVA on the full grid: each parameter\u2019s share of the variance of ' + data.metric + ' that its value alone explains (exact); the rest comes from parameters acting together.'
      : 'An estimate of functional ANOVA\u2019s main effects: the share of the variance of ' + data.metric + ' explained by each parameter\u2019s value alone (continuous parameters in 8 quantile bins). The trials are not a full grid, so shares of parameters sampled together overlap.');
    var bars = el('div', { class: 'bars' });
    s.append(bars);
    var sum = 0;
    imp.shares.forEach(function (x) {
      sum += x.share;
      bars.append(el('span', { text: x.param.name }), el('div', {}, el('div', { class: 'bar', style: 'width:' + (100 * x.share).toFixed(1) + '%' })), el('span', { text: (100 * x.share).toFixed(1) + '%' }));
    });
    if (imp.exact) {
      var rest = Math.max(0, 1 - sum);
      bars.append(el('span', { text: 'interactions' }), el('div', {}, el('div', { class: 'bar rest', style: 'width:' + (100 * rest).toFixed(1) + '%' })), el('span', { text: (100 * rest).toFixed(1) + '%' }));
    }
    return imp.shares.map(function (x) { return x.param; });
  }

  function drawEffects(rows, order) {
    if (!params.length || !rows.length) return;
    var s = section('effects', 'Each parameter\u2019s effect on ' + data.metric, 'Every complete trial as a dot; for each value of a parameter a box from the first to the third quartile, the median as a line, whiskers to 1.5 IQR. Most important parameter first. Click a dot for that trial.');
    var grid = el('div', { class: 'grid' });
    s.append(grid);
    var yr = yRange(rows.map(function (t) { return t.value; }));
    (order || params).forEach(function (p) { effectPlot(grid, p, rows, yr); });
  }

  function drawParallel(rows, order) {
    if (!params.length || rows.length < 2) return;
    var s = section('parallel', 'Parallel coordinates', 'One line per complete trial through its parameter values and ' + data.metric + '; the better the trial, the darker and later drawn. The best is orange.');
    var axes = (order || params).slice();
    var w = widthOf(s), h = 320;
    var g = svg('svg', { class: 'plot', width: w, height: h, viewBox: '0 0 ' + w + ' ' + h }, s);
    var left = 60, right = 70, top = 14, bottom = 40;
    var step = (w - left - right) / Math.max(1, axes.length);
    var yr = yRange(rows.map(function (t) { return t.value; }));
    function yOf(p, v) {
      if (p === null) { var c = Math.min(Math.max(v, yr[0]), yr[1]); return top + (1 - (c - yr[0]) / (yr[1] - yr[0])) * (h - top - bottom); }
      var i = p.levels.indexOf(v), n = p.levels.length;
      var frac;
      if (p.discrete) frac = n > 1 ? i / (n - 1) : 0.5;
      else {
        var tr = p.log ? Math.log10 : function (x) { return x; };
        var a = tr(p.levels[0]), b = tr(p.levels[n - 1]);
        frac = b > a ? (tr(v) - a) / (b - a) : 0.5;
      }
      return h - bottom - frac * (h - top - bottom);
    }
    var cols = axes.concat([null]);
    cols.forEach(function (p, i) {
      var x = left + i * step;
      svg('line', { class: 'axis', x1: x, x2: x, y1: top, y2: h - bottom }, g);
      svg('text', { x: x, y: h - bottom + 16, 'text-anchor': 'middle', text: p ? p.name : data.metric }, g);
      var ticks = p === null ? [yr[0], (yr[0] + yr[1]) / 2, yr[1]] : p.discrete ? p.levels : [p.levels[0], p.levels[p.levels.length - 1]];
      ticks.forEach(function (v) { svg('text', { x: x + 4, y: yOf(p, v) + 4, text: fmt(v, 3).slice(0, 16) }, g); });
    });
    // One path per colour band (10 bands by rank), so 1,000 trials are 10 elements.
    var order2 = rows.slice().sort(function (a, b) { return better(a.value, b.value) ? 1 : -1; });
    var bands = [];
    order2.forEach(function (t, i) {
      if (t === best) return;
      var band = Math.min(9, Math.floor(10 * i / order2.length));
      var pts = cols.map(function (p, j) { return (left + j * step).toFixed(1) + ',' + yOf(p, p ? t.params[p.name] : t.value).toFixed(1); });
      bands[band] = (bands[band] || '') + 'M' + pts.join('L');
    });
    bands.forEach(function (d, band) {
      var q = band / 9;
      svg('path', { class: 'pc', d: d, fill: 'none', stroke: 'hsl(215,' + (40 + 45 * q).toFixed(0) + '%,' + (85 - 55 * q).toFixed(0) + '%)', 'stroke-width': 1.2 }, g);
    });
    if (best) {
      var line = svg('polyline', { class: 'pc', points: cols.map(function (p, j) { return (left + j * step).toFixed(1) + ',' + yOf(p, p ? best.params[p.name] : best.value).toFixed(1); }).join(' '), stroke: '#d1661f', 'stroke-width': 3 }, g);
      svg('title', { text: 'best: trial ' + best.id + ': ' + data.metric + ' ' + fmt(best.value, 6) }, line);
      line.addEventListener('click', function () { selectTrial(best, true); });
    }
  }

  // ---- the trial table -------------------------------------------------------------------------
  var tableBody, detail, countNote, moreRows, headerCells = {}, redrawCurves = null;
  var testNames = [];
  trials.forEach(function (t) { Object.keys(t.at_best).forEach(function (n) { if (n.indexOf('test_') === 0 && testNames.indexOf(n) < 0) testNames.push(n); }); });
  testNames.sort();
  var columns = [
    { id: 'rank', label: 'rank', get: function (t) { return rankOf[key(t)] || null; } },
    { id: 'trial', label: 'trial', get: function (t) { return t.id; } }
  ];
  if (multiBackend) columns.push({ id: 'backend', label: 'backend', get: function (t) { return t.backend; }, text: true });
  columns.push(
    { id: 'status', label: 'status', get: function (t) { return t.status; }, text: true },
    { id: 'value', label: data.metric, get: function (t) { return t.value; } },
    { id: 'best_epoch', label: 'best epoch', get: function (t) { return t.best_epoch || null; } },
    { id: 'epochs', label: 'epochs run', get: function (t) { return t.curves.epoch.length; } },
    { id: 'seconds', label: 'seconds', get: function (t) { return t.seconds; } });
  // A study under mpirun: the rank and host that ran each trial.
  if (trials.some(function (t) { return t.ran_on; })) columns.push({ id: 'ran_on', label: 'ran on', get: function (t) { return t.ran_on; }, text: true });
  var firstParam = columns.length;
  paramNames.forEach(function (p) { columns.push({ id: 'param:' + p, label: p, group: 'parameters', get: function (t) { return t.params[p]; }, cls: 'param' }); });
  testNames.forEach(function (n) { columns.push({ id: 'test:' + n, label: n, group: 'test metrics (best epoch)', get: function (t) { return t.at_best[n]; } }); });
  var anyError = trials.some(function (t) { return t.error; });
  if (anyError) columns.push({ id: 'error', label: 'error', get: function (t) { return errorSummary(t.error); }, cls: 'error', text: true });

  function compare(col, dir) {
    return function (a, b) {
      var x = col.get(a), y = col.get(b);
      if (x == null || x === '') return y == null || y === '' ? a.id - b.id : 1;
      if (y == null || y === '') return -1;
      if (typeof x === 'number' && typeof y === 'number') return (x - y) * dir || a.id - b.id;
      return String(x).localeCompare(String(y), undefined, { numeric: true }) * dir || a.id - b.id;
    };
  }
  function matches(t, terms) {
    if (state.status && t.status !== state.status) return false;
    if (!terms.length) return true;
    var text = columns.map(function (c) { var v = c.get(t); return (c.group === 'parameters' ? c.label + '=' : '') + (v == null ? '' : String(v)); }).join(' ').toLowerCase();
    return terms.every(function (term) { return text.indexOf(term) >= 0; });
  }
  function fillTable() {
    var col = columns.filter(function (c) { return c.id === state.sort; })[0] || columns[0];
    var terms = state.filter.toLowerCase().split(/\s+/).filter(Boolean);
    var rows = trials.filter(function (t) { return matches(t, terms); }).sort(compare(col, state.dir));
    var body = document.createDocumentFragment();
    // The first 100 rows (the page opens fast with 1,000 trials); the rest on request.
    var limit = state.allRows ? rows.length : 100;
    rows.slice(0, limit).forEach(function (t) {
      var tr = el('tr', { 'data-trial': key(t), class: (t === best ? 'best' : '') + (state.selected === key(t) ? ' selected' : '') });
      columns.forEach(function (c) { var v = c.get(t); tr.append(el('td', { class: c.cls || '', text: typeof v === 'number' ? fmt(v, c.id === 'value' ? 6 : 4) : v == null ? '' : String(v) })); });
      body.append(tr);
    });
    tableBody.replaceChildren(body);
    countNote.textContent = Math.min(limit, rows.length) + ' of ' + rows.length + ' matching trials shown (' + trials.length + ' in all)';
    moreRows.hidden = rows.length <= limit;
    moreRows.textContent = 'show all ' + rows.length;
    Object.keys(headerCells).forEach(function (id) {
      headerCells[id].classList.remove('sorted-asc', 'sorted-desc');
      if (id === col.id) headerCells[id].classList.add(state.dir > 0 ? 'sorted-asc' : 'sorted-desc');
    });
  }
  function selectTrial(t, scroll) {
    state.selected = key(t);
    saveState();
    detail.hidden = false;
    detail.replaceChildren();
    detail.append(el('h3', { text: 'Trial ' + t.id + (multiBackend ? ' on ' + t.backend : '') + ': ' + t.status + (t.value != null ? ', ' + data.metric + ' ' + fmt(t.value, 6) + ' at epoch ' + t.best_epoch : '') + (rankOf[key(t)] ? ' (rank ' + rankOf[key(t)] + ')' : '') + (t.ran_on ? ', ran on ' + t.ran_on : '') }));
    var dl = el('dl', { class: 'params' });
    Object.keys(t.params).forEach(function (p) { dl.append(el('dt', { text: p }), el('dd', { text: fmt(t.params[p], 6) })); });
    Object.keys(t.at_best).forEach(function (n) { if (n.indexOf('test_') === 0) dl.append(el('dt', { text: n }), el('dd', { text: fmt(t.at_best[n], 6) })); });
    detail.append(dl);
    if (t.error) detail.append(el('pre', { class: 'error', text: t.error }));
    trialCurves(detail, t, Math.min(560, Math.floor((widthOf(detail) - 40) / 2)));
    Array.prototype.forEach.call(tableBody.querySelectorAll('tr.selected'), function (r) { r.classList.remove('selected'); });
    var row = tableBody.querySelector('tr[data-trial="' + CSS.escape(key(t)) + '"]');
    if (row) row.classList.add('selected');
    if (scroll) detail.scrollIntoView({ block: 'nearest' });
    if (redrawCurves) redrawCurves();
  }
  function drawTable() {
    var s = section('trials', 'Trials', 'Click a column to sort, a row for that trial\u2019s parameters, error and learning curves. The filter keeps rows holding every word (e.g. "adam relu" or "batch_size=64").');
    var filter = el('input', { type: 'search', placeholder: 'filter trials', value: state.filter, 'aria-label': 'filter trials' });
    filter.addEventListener('input', function () { state.filter = filter.value; saveState(); fillTable(); });
    var status = el('select', { 'aria-label': 'status' }, el('option', { value: '', text: 'any status' }));
    ['complete', 'pruned', 'failed', 'running', 'interrupted'].forEach(function (st) { status.append(el('option', { value: st, text: st })); });
    status.value = state.status;
    status.addEventListener('change', function () { state.status = status.value; saveState(); fillTable(); });
    countNote = el('span', { class: 'note' });
    s.append(el('div', { class: 'controls' }, filter, status, countNote));
    detail = el('div', { id: 'trial-detail', hidden: '' });
    s.append(detail);
    var table = el('table', { class: 'trials' });
    var groups = el('tr'), names = el('tr');
    groups.append(el('th', { colspan: firstParam, class: 'group', text: 'trial' }));
    if (paramNames.length) groups.append(el('th', { colspan: paramNames.length, class: 'group', text: 'parameters' }));
    if (testNames.length) groups.append(el('th', { colspan: testNames.length, class: 'group', text: 'test metrics (best epoch)' }));
    if (anyError) groups.append(el('th', { class: 'group' }));
    columns.forEach(function (c) {
      var th = el('th', { class: 'sortable ' + (c.cls || ''), 'data-column': c.id, text: c.label });
      th.addEventListener('click', function () {
        state.dir = state.sort === c.id ? -state.dir : 1;
        state.sort = c.id;
        saveState();
        fillTable();
      });
      headerCells[c.id] = th;
      names.append(th);
    });
    tableBody = el('tbody');
    tableBody.addEventListener('click', function (ev) {
      var tr = ev.target.closest('tr');
      if (tr && byKey[tr.getAttribute('data-trial')]) selectTrial(byKey[tr.getAttribute('data-trial')], false);
    });
    table.append(el('thead', {}, groups, names), tableBody);
    s.append(table);
    moreRows = el('button', { type: 'button', class: 'more' });
    moreRows.addEventListener('click', function () { state.allRows = true; saveState(); fillTable(); });
    s.append(moreRows);
    fillTable();
  }

  // Every trial's value per epoch on one chart (all of them, not only the best).
  function drawAllCurves() {
    var withCurves = trials.filter(function (t) { return t.backend === primary && t.curves.epoch.length > 1; });
    if (!withCurves.length) return;
    var names = {};
    withCurves.forEach(function (t) { Object.keys(t.curves.values).forEach(function (n) { names[n] = 1; }); });
    var s = section('curves', 'Every trial\u2019s learning curve', 'Grey: each trial (pruned ones red); blue: the best; orange: the trial selected in the table. Pick the value to plot:');
    var pick = el('select', { 'aria-label': 'value per epoch' });
    Object.keys(names).sort().forEach(function (n) { pick.append(el('option', { value: n, text: n })); });
    if (!names[state.curve]) state.curve = names[data.metric] ? data.metric : Object.keys(names)[0];
    pick.value = state.curve;
    s.append(el('div', { class: 'controls' }, pick));
    var holder = el('div');
    s.append(holder);
    function draw() {
      holder.replaceChildren();
      var maxEpoch = 0;
      withCurves.forEach(function (t) { maxEpoch = Math.max(maxEpoch, t.curves.epoch[t.curves.epoch.length - 1]); });
      var xs = [];
      for (var e = 1; e <= maxEpoch; e++) xs.push(e);
      // The best and the selected trial are uPlot series; every other trial is drawn straight
      // onto the canvas (1,000 series would make uPlot take seconds).
      var selected = state.selected && byKey[state.selected];
      var shown = [best, selected].filter(function (t, i, a) { return t && withCurves.indexOf(t) >= 0 && a.indexOf(t) === i; });
      var valuesOf = function (t) {
        var ys = xs.map(function () { return null; });
        (t.curves.values[state.curve] || []).forEach(function (v, i) { ys[t.curves.epoch[i] - 1] = v; });
        return ys;
      };
      var all = [];
      withCurves.forEach(function (t) { (t.curves.values[state.curve] || []).forEach(function (v) { if (v != null) all.push(v); }); });
      var yr = all.length ? yRange(all) : [0, 1], lo = yr[0], hi = yr[1];
      var series = [{ label: 'epoch' }], cols = [xs];
      shown.forEach(function (t) {
        series.push(lineSeries('trial ' + t.id + (t === best ? ' (best)' : ''), t === best ? '#1f6fd1' : '#d1661f', undefined, 2.5));
        cols.push(valuesOf(t));
      });
      var drawRest = function (u) {
        var ctx = u.ctx;
        ctx.save();
        ctx.beginPath();
        ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
        ctx.clip();
        ctx.lineWidth = 1;
        ['complete', 'pruned'].forEach(function (kind) {
          ctx.strokeStyle = kind === 'pruned' ? 'rgba(200,60,50,.45)' : 'rgba(120,120,120,.3)';
          ctx.beginPath();
          withCurves.forEach(function (t) {
            if (shown.indexOf(t) >= 0 || (t.status === 'pruned') !== (kind === 'pruned')) return;
            var vs = t.curves.values[state.curve] || [], pen = false;
            vs.forEach(function (v, i) {
              if (v == null) { pen = false; return; }
              var px = u.valToPos(t.curves.epoch[i], 'x', true), py = u.valToPos(v, 'y', true);
              if (pen) ctx.lineTo(px, py); else ctx.moveTo(px, py);
              pen = true;
            });
          });
          ctx.stroke();
        });
        ctx.restore();
      };
      uplot(holder, { width: widthOf(s), height: 380, legend: { show: shown.length > 0 }, scales: { x: { time: false }, y: { range: [lo, hi] } }, axes: [{ label: 'epoch', incrs: INTEGER_STEPS }, { label: state.curve }], series: series, hooks: { drawSeries: [], draw: [], drawAxes: [drawRest] } }, cols);
    }
    pick.addEventListener('change', function () { state.curve = pick.value; saveState(); draw(); });
    redrawCurves = draw;
    draw();
  }

  // Hyperband and ASHA: how many trials reached each rung (epochs trained) and the best there.
  function drawRungs() {
    var pruned = trials.filter(function (t) { return t.status === 'pruned'; });
    var budgets = {};
    trials.forEach(function (t) { if (t.budget > 0) budgets[t.budget] = 1; });
    if (!pruned.length && Object.keys(budgets).length < 2) return;
    var s = section('rungs', 'Rungs: how far trials got', 'For each number of epochs: how many trials trained at least that far, how many stopped there (pruned or at their budget), and the best ' + data.metric + ' among those that reached it.');
    var stops = {};
    trials.forEach(function (t) { if (t.backend === primary && t.curves.epoch.length) stops[t.curves.epoch.length] = 1; });
    var table = el('table', {}, el('thead', {}, el('tr', {}, el('th', { text: 'epochs' }), el('th', { text: 'trials reaching it' }), el('th', { text: 'stopped there' }), el('th', { text: 'pruned there' }), el('th', { text: 'best ' + data.metric + ' there' }))));
    var body = el('tbody');
    Object.keys(stops).map(Number).sort(function (a, b) { return a - b; }).forEach(function (e) {
      var reach = trials.filter(function (t) { return t.backend === primary && t.curves.epoch.length >= e; });
      var stopped = reach.filter(function (t) { return t.curves.epoch.length === e; });
      var vals = reach.map(function (t) { return (t.curves.values[data.metric] || [])[e - 1]; }).filter(function (v) { return v != null; });
      var b = vals.reduce(function (acc, v) { return acc === null || better(v, acc) ? v : acc; }, null);
      body.append(el('tr', {}, el('td', { text: String(e) }), el('td', { text: String(reach.length) }), el('td', { text: String(stopped.length) }), el('td', { text: String(stopped.filter(function (t) { return t.status === 'pruned'; }).length) }), el('td', { text: fmt(b, 6) })));
    });
    table.append(body);
    s.append(table);
  }

  // A study on several backends: the same trials' epoch time and metric side by side.
  function drawBackends() {
    if (!multiBackend) return;
    var s = section('backends', 'Backends side by side', 'The same trials on each backend: mean seconds per epoch, and ' + data.metric + '.');
    var ids = {};
    trials.forEach(function (t) { ids[t.id] = 1; });
    var xs = Object.keys(ids).map(Number).sort(function (a, b) { return a - b; });
    var colors = ['#1f6fd1', '#d1661f', '#2a9d4b', '#8e44ad', '#c0392b'];
    var summary = el('table', {}, el('thead', {}, el('tr', {}, el('th', { text: 'backend' }), el('th', { text: 'complete' }), el('th', { text: 'median s/epoch' }), el('th', { text: 'best ' + data.metric }))));
    var body = el('tbody');
    summary.append(body);
    s.append(summary);
    var grid = el('div', { class: 'grid' });
    s.append(grid);
    var perEpoch = function (t) { var ss = t.curves.seconds.filter(function (v) { return v != null; }); return ss.length ? mean(ss) : null; };
    [['s/epoch', perEpoch], [data.metric, function (t) { return t.value; }]].forEach(function (what) {
      var series = [{ label: 'trial' }], cols = [xs];
      data.backends.forEach(function (b, i) {
        var byId = {};
        trials.forEach(function (t) { if (t.backend === b) byId[t.id] = what[1](t); });
        series.push({ label: b, stroke: colors[i % colors.length], width: 1.5, points: { show: true, size: 5 } });
        cols.push(xs.map(function (id) { return byId[id] == null ? null : byId[id]; }));
      });
      var fig = el('figure', {}, el('figcaption', { text: what[0] + ' per trial' }));
      grid.append(fig);
      uplot(fig, { width: Math.floor((widthOf(s) - 20) / 2), height: 260, scales: { x: { time: false } }, axes: [{ label: 'trial', incrs: INTEGER_STEPS }, { label: what[0] }], series: series }, cols);
    });
    data.backends.forEach(function (b) {
      var mine = trials.filter(function (t) { return t.backend === b; });
      var times = mine.map(perEpoch).filter(function (v) { return v != null; }).sort(function (x, y) { return x - y; });
      var vals = mine.filter(function (t) { return t.value != null; }).map(function (t) { return t.value; });
      var bv = vals.reduce(function (acc, v) { return acc === null || better(v, acc) ? v : acc; }, null);
      body.append(el('tr', {}, el('td', { text: b }), el('td', { text: String(mine.filter(function (t) { return t.status === 'complete'; }).length) }), el('td', { text: fmt(quantile(times, 0.5), 4) }), el('td', { text: fmt(bv, 6) })));
    });
  }

  // A failed trial's error in one line: its first line and, for a program's stderr tail that
  // follows it, the tail's last line (where the cause usually is), bounded.
  function errorSummary(error) {
    var lines = error.split('\n').filter(function (l) { return l.trim() !== ''; });
    if (!lines.length) return '';
    var text = lines[0] + (lines.length > 1 ? ' \u2026 ' + lines[lines.length - 1].trim() : '');
    return text.length > 300 ? text.slice(0, 300) + '\u2026' : text;
  }

  function drawFailures() {
    var bad = trials.filter(function (t) { return t.status === 'failed' || t.status === 'pruned' || t.error; });
    if (!bad.length) return;
    var s = section('failures', 'Failed and pruned trials (' + bad.length + ')');
    bad.slice(0, 200).forEach(function (t) {
      var labels = Object.keys(t.params).map(function (p) { return p + '=' + fmt(t.params[p]); }).join(', ');
      var d = el('details', {}, el('summary', { text: 'trial ' + t.id + (multiBackend ? ' on ' + t.backend : '') + ': ' + t.status + ' after ' + t.curves.epoch.length + ' epochs (' + labels + ')' + (t.error ? ': ' + errorSummary(t.error) : '') }));
      if (t.error) d.append(el('pre', { class: 'error', text: t.error }));
      d.addEventListener('toggle', function () { if (d.open) selectTrial(t, false); });
      s.append(d);
    });
    if (bad.length > 200) s.append(el('p', { class: 'note', text: (bad.length - 200) + ' more: filter the table by status.' }));
  }

  // tunelab train: one model's curves (each value with its val_ twin) at full width.
  function drawTraining() {
    var t = trials[0];
    if (!t) return;
    var s = section('training', 'Learning curves', 'Each value per epoch with its validation twin (dashed); the circle marks the epoch whose weights were kept.');
    trialCurves(s, t, Math.min(600, Math.floor((widthOf(s) - 20) / 2)));
  }

  // ---- draw ------------------------------------------------------------------------------------
  try {
    if (data.mode === 'train') {
      drawTraining();
    } else {
      // How long each part took, for whoever wonders why a page is slow (window.reportTimings).
      var timings = window.reportTimings = {};
      var timed = function (name, draw) {
        var t0 = performance.now();
        var result = draw();
        timings[name] = Math.round(performance.now() - t0);
        return result;
      };
      var rows = primaryComplete();
      timed('live', drawLive);
      timed('history', drawHistory);
      var order = timed('importance', function () { return drawImportance(rows); });
      timed('effects', function () { drawEffects(rows, order); });
      timed('parallel', function () { drawParallel(rows, order); });
      timed('table', drawTable);
      timed('curves', drawAllCurves);
      timed('rungs', drawRungs);
      timed('backends', drawBackends);
      timed('failures', drawFailures);
      if (state.selected && byKey[state.selected]) selectTrial(byKey[state.selected], false);
    }
  } finally {
    document.documentElement.setAttribute('data-drawn', 'true');
  }
  // ---- tunelab export --format png (experiments/report/PngExport.cpp) ---------------------------
  // "#png" lists the charts and the height each needs; "#png=<id>" leaves that chart alone on
  // the page for its screenshot. The trial table, failures and running trials are no charts.
  var png = /^#png(?:=([a-z-]+))?$/.exec(window.location.hash);
  if (png) {
    document.body.classList.add('png');
    var charts = Array.prototype.filter.call(document.querySelectorAll('section[id]'), function (s) {
      return ['trials', 'failures', 'live'].indexOf(s.id) < 0;
    });
    if (png[1]) {
      var chart = charts.filter(function (s) { return s.id === png[1]; })[0];
      if (chart) document.body.replaceChildren(chart);
    } else {
      // Measured once the page has loaded: uPlot sizes its charts after this script has run.
      window.addEventListener('load', function () {
        window.setTimeout(function () {
          document.body.append(el('pre', { id: 'png-sections', text: charts.map(function (s) {
            return s.id + ' ' + Math.ceil(s.getBoundingClientRect().height);
          }).join('\n') }));
        }, 0);
      });
    }
    return;
  }
  if (typeof state.scroll === 'number') window.scrollTo(0, state.scroll);
  if (data.live && data.live.reload_seconds > 0) {
    window.setTimeout(function () { saveState(); window.location.reload(); }, data.live.reload_seconds * 1000);
  }
})();
