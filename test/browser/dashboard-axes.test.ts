/**
 * The emulator dashboard's charts (#15 item 10): y-axis labels are never cut off, and when the
 * charts cannot draw (a script that fails to load or throws, a language the browser's Intl
 * rejects) the page says so while values keep updating.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startEmulator } from '../../src/emulator';
import type { Emulator } from '../../src/emulator/types';
import { launchBrowser, type LaunchedBrowser } from '../support/browser';
import { postEvents } from '../support/post-events';

const KEY = 'ist_dashboardAxesKey0000000000000000';

/** What the test reads of each uPlot chart the page made. */
interface AxisView {
  labels: string[];
  /** Width of each label in CSS px, in the axis font. */
  widths: number[];
  /** The y axis's size, and what its tick and gap take of it. */
  size: number;
  reserved: number;
}

/** Keeps every uPlot chart the page makes in `window.charts`, to read what uPlot drew. */
async function keepCharts(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const charts: unknown[] = [];
    let ctor: unknown;
    Object.defineProperty(window, 'charts', { value: charts });
    Object.defineProperty(window, 'uPlot', {
      configurable: true,
      get: () => ctor,
      set: (real: new (...args: unknown[]) => object) => {
        ctor = Object.assign(function (this: unknown, ...args: unknown[]) {
          const chart = new real(...args);
          charts.push(chart);
          return chart;
        }, real);
      },
    });
  });
}

describe('emulator dashboard: chart axes and chart failures (browser)', function () {
  this.timeout(60_000);
  let emulator: Emulator;
  let browser: LaunchedBrowser;
  let page: Page;

  const send = (bucketKey: string, events: unknown) => postEvents(emulator.apiUrl, KEY, bucketKey, events);

  const series = (key: string, values: number[]): { key: string; value: number; epoch: number }[] => {
    const now = Math.floor(Date.now() / 1000);
    return values.map((value, i) => ({ key, value, epoch: now - 600 + i * 60 }));
  };
  const notice = (): Promise<string | null> => page.evaluate(() => {
    const el = document.getElementById('notice');
    return el && !el.hidden ? el.textContent : null;
  });

  before(async () => {
    emulator = await startEmulator({ rateLimit: 1000, maxEventsPerRequest: 0 });
    browser = await launchBrowser();
  });
  beforeEach(async () => {
    emulator.reset();
    page = await browser.newPage();
  });
  afterEach(() => page.close());
  after(async () => {
    await browser?.close();
    await emulator?.close();
  });

  it('sizes each y axis to its widest label: thousands such as 3,000 or -10,000 are drawn whole', async () => {
    await keepCharts(page);
    await send('sizes', [
      ...series('thousands', [1000, 1800, 2400, 3000]),
      ...series('tens_of_thousands', [12_000, 25_000, 31_000]),
      ...series('negative', [-12_500.5, -3, 4.25]),
      ...series('small', [0.1, 0.2, 0.3]),
    ]);
    await page.goto(emulator.url);
    await page.waitForFunction(() => document.querySelectorAll('.chart canvas').length === 4);
    const views = await page.evaluate(() => {
      type Chart = { axes: { _values: string[]; _size: number; ticks: { size: number }; gap: number }[]; ctx: CanvasRenderingContext2D };
      const measure = document.createElement('canvas').getContext('2d')!;
      measure.font = '10px system-ui';
      return ((window as unknown as { charts: Chart[] }).charts).map((chart) => {
        const y = chart.axes[1]!;
        const labels = y._values.filter((v) => v != null && v !== '');
        return { labels, widths: labels.map((l) => measure.measureText(l).width), size: y._size, reserved: y.ticks.size + y.gap };
      });
    }) as AxisView[];
    assert.equal(views.length, 4);
    const all = views.flatMap((v) => v.labels);
    for (const shape of [/^\d,\d{3}$/, /^\d{2},\d{3}$/, /^-\d{1,2},\d{3}$/]) assert.ok(all.some((l) => shape.test(l)), `a label like ${shape} among ${all.join(' ')}`);
    for (const view of views) {
      for (const [i, label] of view.labels.entries()) {
        assert.ok(view.reserved + view.widths[i]! <= view.size, `"${label}" (${view.widths[i]!.toFixed(1)} px) fits an axis of ${view.size} px`);
      }
    }
    assert.equal(await notice(), null, 'no notice when the charts draw');
  });

  it('charts a flat line, or a single point, around its value instead of from 0 to twice it', async () => {
    await keepCharts(page);
    await send('flat', [...series('one_point', [1010]), ...series('flat', [21.5, 21.5, 21.5]), ...series('zero', [0, 0]), ...series('varied', [10, 20, 15])]);
    await page.goto(emulator.url);
    await page.waitForFunction(() => document.querySelectorAll('.chart canvas').length === 4);
    const ranges = Object.fromEntries(await page.evaluate(() => {
      type Chart = { root: HTMLElement; scales: { y: { min: number; max: number } } };
      return ((window as unknown as { charts: Chart[] }).charts).map((c) => [c.root.closest<HTMLElement>('[data-stream]')!.dataset.stream, [c.scales.y.min, c.scales.y.max]]);
    })) as Record<string, [number, number]>;
    for (const [key, value] of [['one_point', 1010], ['flat', 21.5]] as const) {
      const [min, max] = ranges[key]!;
      assert.ok(min < value && value < max, `${key}: ${value} inside ${min}..${max}`);
      assert.ok(max - min <= value / 2, `${key}: ${min}..${max} is a band around ${value}, not 0..${2 * value}`);
    }
    const [zeroMin, zeroMax] = ranges.zero!;
    assert.ok(zeroMin < 0 && zeroMax > 0 && zeroMax - zeroMin <= 4, `zero: ${zeroMin}..${zeroMax}`);
    // A line that moves keeps uPlot's own range.
    const [min, max] = ranges.varied!;
    assert.ok(min <= 10 && max >= 20 && max - min <= 20, `varied: ${min}..${max}`);
  });

  it('says so when the browser\'s language is one Intl rejects; values still update', async () => {
    await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'language', { get: () => 'en-US@posix' }));
    await send('lang', series('temperature', [20, 21]));
    await page.goto(emulator.url);
    await page.waitForSelector('#connection[data-state="live"]');
    await page.waitForSelector('[data-stream="temperature"]');
    const text = (await notice()) ?? '';
    assert.match(text, /Charts cannot be drawn: the browser's language "en-US@posix" is not one its Intl supports/);
    await send('lang', { key: 'temperature', value: 22.5, epoch: Math.floor(Date.now() / 1000) });
    await page.waitForFunction(() => document.querySelector('[data-stream="temperature"] .value')?.textContent === '22.5');
    assert.equal(await page.$('.chart canvas'), null);
  });

  it('says so when the chart library does not load, or throws', async () => {
    await page.route('**/vendor/uPlot.iife.min.js', (route) => route.abort());
    await send('lib', series('humidity', [40, 41]));
    await page.goto(emulator.url);
    await page.waitForSelector('[data-stream="humidity"]');
    const missing = (await notice()) ?? '';
    assert.match(missing, /A dashboard script did not load: \/vendor\/uPlot\.iife\.min\.js/);
    assert.match(missing, /Charts cannot be drawn: the chart library did not start\. Values still update\./);

    const broken = await browser.newPage();
    try {
      await broken.route('**/vendor/uPlot.iife.min.js', (route) => route.fulfill({ contentType: 'text/javascript', body: 'throw new Error("chart library broke")' }));
      await broken.goto(emulator.url);
      await broken.waitForSelector('[data-stream="humidity"]');
      const text = await broken.textContent('#notice');
      assert.match(text ?? '', /The dashboard hit a script error: .*chart library broke/);
      assert.match(text ?? '', /Charts cannot be drawn/);
      assert.equal(await broken.textContent('[data-stream="humidity"] .value'), '41');
    } finally {
      await broken.close();
    }
  });
});
