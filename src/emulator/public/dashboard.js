// The emulator's live dashboard: a snapshot over server-sent events, then live updates.
// Each stream is `[data-bucket="<bucketKey>"][data-stream="<key>"]` with `.value`, `.time` and,
// for numbers, a uPlot `.chart` whose point count is in `data-points`. When charts cannot be
// drawn, `#notice` says why (dashboard.html's reportProblem) and values keep updating.
/* global uPlot, reportProblem */
'use strict';

const MAX_POINTS = 500;
const CHART_HEIGHT = 90;
const EMOJI = {
  ':sunny:': '☀️', ':cloud:': '☁️', ':umbrella:': '☔', ':snowflake:': '❄️', ':zap:': '⚡',
  ':fire:': '🔥', ':droplet:': '💧', ':thumbsup:': '👍', ':thumbsdown:': '👎', ':warning:': '⚠️',
  ':white_check_mark:': '✅', ':x:': '❌', ':red_circle:': '🔴', ':green_circle:': '🟢', ':bulb:': '💡',
};

const AXIS_FONT = '10px system-ui';

/** Why charts cannot be drawn here, or '' when they can. */
function chartProblem() {
  if (typeof uPlot === 'function') return '';
  try {
    new Intl.NumberFormat(navigator.language);
  } catch (err) {
    return `Charts cannot be drawn: the browser's language "${navigator.language}" is not one its Intl supports (${err.message}). Values still update.`;
  }
  return 'Charts cannot be drawn: the chart library did not start. Values still update.';
}
const CHARTS_PROBLEM = chartProblem();
if (CHARTS_PROBLEM) reportProblem(CHARTS_PROBLEM);

/**
 * Size of a y axis: its widest tick label plus the tick and gap, so `3,000` is not cut to `,000`.
 * uPlot calls it again (`cycle` > 1) once the labels are known; the second answer is kept.
 */
function yAxisSize(u, values, axisIdx, cycle) {
  const axis = u.axes[axisIdx];
  if (cycle > 1) return axis._size;
  let size = axis.ticks.size + axis.gap;
  const labels = (values || []).filter((text) => text != null && text !== '');
  if (labels.length > 0) {
    u.ctx.font = axis.font[0];
    size += Math.max(...labels.map((text) => u.ctx.measureText(String(text)).width)) / devicePixelRatio;
  }
  return Math.ceil(size) + 2;
}

/** bucket id → { el, streams: Map<key, stream> } */
const buckets = new Map();

document.getElementById('api-url').textContent = `${location.origin}/api`;

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function showValue(value) {
  if (typeof value !== 'string') return String(value);
  return value.replace(/:[a-z_]+:/g, (token) => EMOJI[token] || token);
}

function showTime(epoch) {
  const date = new Date(epoch * 1000);
  const sameDay = date.toDateString() === new Date().toDateString();
  return sameDay ? date.toLocaleTimeString() : date.toLocaleString();
}

function upsertBucket(info) {
  let bucket = buckets.get(info.id);
  if (!bucket) {
    const section = el('section', 'bucket');
    section.dataset.bucket = info.bucketKey;
    section.dataset.bucketId = String(info.id);
    section.dataset.account = info.account;
    const head = el('div', 'bucket-head');
    head.append(el('h2', 'bucket-name'), el('span', 'bucket-meta'));
    section.append(head, el('div', 'streams'));
    document.getElementById('buckets').append(section);
    document.getElementById('empty').hidden = true;
    bucket = { el: section, streams: new Map() };
    buckets.set(info.id, bucket);
  }
  bucket.el.querySelector('.bucket-name').textContent = info.bucketName || info.bucketKey;
  bucket.el.querySelector('.bucket-meta').textContent = `${info.bucketKey} · account ${info.account}`;
  return bucket;
}

function chartWidth(stream) {
  return Math.max(200, stream.el.clientWidth - 24);
}

function drawChart(stream) {
  if (stream.xs.length === 0 || CHARTS_PROBLEM || stream.failed) return;
  try {
    plot(stream);
  } catch (err) {
    stream.failed = true;
    reportProblem(`Charts cannot be drawn: ${err.message}. Values still update.`);
  }
}

/**
 * uPlot's own y range, except for a flat line (or one point), which uPlot draws from 0 to twice
 * its value: that gets a tenth of its value either side.
 */
function yRange(u, min, max) {
  if (min == null) return [null, null];
  const pad = min === max ? Math.abs(min) / 10 || 1 : 0;
  return uPlot.rangeNum(min - pad, max + pad, 0.1, true);
}

function plot(stream) {
  const data = [stream.xs, stream.ys];
  if (stream.plot) {
    stream.plot.setData(data);
    return;
  }
  stream.plot = new uPlot({
    width: chartWidth(stream),
    height: CHART_HEIGHT,
    legend: { show: false },
    cursor: { show: false },
    scales: {
      // One point would otherwise span a whole day: give it a minute either side.
      x: { time: true, range: (u, min, max) => (stream.xs.length === 1 ? [stream.xs[0] - 60, stream.xs[0] + 60] : [min, max]) },
      y: { range: yRange },
    },
    axes: [{ size: 24, font: AXIS_FONT, grid: { show: false } }, { size: yAxisSize, font: AXIS_FONT, grid: { stroke: '#eef0f3' } }],
    series: [{}, { stroke: '#1f7ae0', width: 2, fill: 'rgba(31,122,224,0.08)', points: { show: stream.xs.length < 30 } }],
  }, data, stream.el.querySelector('.chart'));
}

function addPoint(stream, epoch, value) {
  if (typeof value !== 'number') return;
  // Client timestamps may arrive out of order; uPlot wants x ascending.
  let i = stream.xs.length;
  while (i > 0 && stream.xs[i - 1] > epoch) i--;
  stream.xs.splice(i, 0, epoch);
  stream.ys.splice(i, 0, value);
  if (stream.xs.length > MAX_POINTS) {
    stream.xs.shift();
    stream.ys.shift();
  }
  stream.el.dataset.points = String(stream.xs.length);
}

function upsertStream(bucket, bucketKey, key) {
  let stream = bucket.streams.get(key);
  if (!stream) {
    const card = el('div', 'stream');
    card.dataset.bucket = bucketKey;
    card.dataset.stream = key;
    card.dataset.points = '0';
    card.append(el('div', 'key', key), el('div', 'value'), el('div', 'time'), el('div', 'chart'));
    bucket.el.querySelector('.streams').append(card);
    stream = { el: card, xs: [], ys: [], plot: undefined, latest: -Infinity };
    bucket.streams.set(key, stream);
  }
  return stream;
}

function addEvents(info, events) {
  const bucket = upsertBucket(info);
  const touched = new Set();
  for (const { key, value, epoch } of events) {
    const stream = upsertStream(bucket, info.bucketKey, key);
    addPoint(stream, epoch, value);
    if (epoch >= stream.latest) {
      stream.latest = epoch;
      stream.el.querySelector('.value').textContent = showValue(value);
      stream.el.querySelector('.time').textContent = showTime(epoch);
    }
    touched.add(stream);
  }
  touched.forEach(drawChart);
}

function clearAll() {
  buckets.forEach((bucket) => bucket.streams.forEach((s) => s.plot && s.plot.destroy()));
  buckets.clear();
  document.getElementById('buckets').replaceChildren();
  document.getElementById('empty').hidden = false;
}

function setConnection(state, text) {
  const badge = document.getElementById('connection');
  badge.dataset.state = state;
  badge.textContent = text;
}

const source = new EventSource('/dashboard/stream');
source.addEventListener('open', () => setConnection('live', 'live'));
source.addEventListener('error', () => setConnection('connecting', 'reconnecting…'));
source.addEventListener('snapshot', (e) => {
  clearAll();
  for (const bucket of JSON.parse(e.data).buckets) {
    upsertBucket(bucket);
    addEvents(bucket, bucket.streams.flatMap((s) => s.points.map(([epoch, value]) => ({ key: s.key, value, epoch }))));
  }
});
source.addEventListener('bucket', (e) => upsertBucket(JSON.parse(e.data)));
source.addEventListener('events', (e) => {
  const { bucket, events } = JSON.parse(e.data);
  addEvents(bucket, events);
});
source.addEventListener('reset', clearAll);
