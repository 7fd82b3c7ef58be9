import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startEmulator } from '../../src/emulator';
import type { Emulator } from '../../src/emulator/types';
import { launchBrowser, type LaunchedBrowser } from '../support/browser';
import { postEvents } from '../support/post-events';

const KEY = 'ist_dashboardTestKey0000000000000000';

describe('emulator dashboard (browser)', function () {
  this.timeout(60_000);
  let emulator: Emulator;
  let browser: LaunchedBrowser;
  let page: Page;

  const send = (bucketKey: string, events: unknown) => postEvents(emulator.apiUrl, KEY, bucketKey, events);

  const stream = (bucket: string, key: string): string => `[data-bucket="${bucket}"][data-stream="${key}"]`;

  before(async () => {
    emulator = await startEmulator({ rateLimit: 1000 });
    browser = await launchBrowser();
    page = await browser.newPage();
  });

  after(async () => {
    await browser?.close();
    await emulator?.close();
  });

  it('shows buckets, values and charts and updates them live without reload', async () => {
    const created = await fetch(`${emulator.apiUrl}/buckets`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-IS-AccessKey': KEY },
      body: JSON.stringify({ bucketKey: 'garden', bucketName: 'Garden sensors' }),
    });
    assert.equal(created.status, 201);
    const now = Math.floor(Date.now() / 1000);
    await send(
      'garden',
      [18.2, 18.6, 19.1, 19.4, 19.0].map((value, i) => ({ key: 'temperature', value, epoch: now - 300 + i * 60 })),
    );

    await page.goto(emulator.url);
    await page.waitForSelector('#connection[data-state="live"]');
    const temp = stream('garden', 'temperature');
    await page.waitForSelector(`${temp} .chart canvas`);
    assert.equal(await page.textContent(`${temp} .value`), '19');
    assert.equal(await page.getAttribute(temp, 'data-points'), '5');
    assert.equal(await page.textContent('[data-bucket="garden"] .bucket-name'), 'Garden sensors');
    // The page never shows a whole access key.
    assert.ok(!(await page.content()).includes(KEY));

    // Live updates: a navigation would lose this marker.
    await page.evaluate(() => Object.assign(window, { notReloaded: true }));
    await send('garden', [
      { key: 'temperature', value: 21.5, epoch: now },
      { key: 'weather', value: ':sunny:', epoch: now },
      { key: 'location', value: '40.7128,-74.0060', epoch: now },
      { key: 'door_open', value: false, epoch: now },
    ]);
    await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-points') === '6', temp);
    assert.equal(await page.textContent(`${temp} .value`), '21.5');
    await page.waitForSelector(stream('garden', 'door_open'));
    assert.equal(await page.textContent(`${stream('garden', 'weather')} .value`), '☀️');
    assert.equal(await page.textContent(`${stream('garden', 'location')} .value`), '40.7128,-74.0060');
    assert.equal(await page.textContent(`${stream('garden', 'door_open')} .value`), 'false');
    assert.equal(await page.$(`${stream('garden', 'weather')} .chart canvas`), null, 'no chart for a text stream');

    // A bucket created by its first event appears too.
    await send('kitchen', { key: 'humidity', value: 41, epoch: now });
    await page.waitForSelector(`${stream('kitchen', 'humidity')} .chart canvas`);
    assert.equal(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded), true);

    if (process.env.SCREENSHOTS === '1') {
      // Relative to where the tests run (the repository root), so private builds write there too.
      const dir = path.resolve('docs/screenshots');
      mkdirSync(dir, { recursive: true });
      await page.screenshot({ path: path.join(dir, 'dashboard.png'), fullPage: true });
    }
  });
});
