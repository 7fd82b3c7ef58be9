/**
 * The editor's "Initial State" sidebar tab (#16): a real Node-RED with this package installed, a
 * real Chromium, the emulator as the Events API. The cards follow the accounts live.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startEmulator } from '../../src/emulator';
import type { Emulator } from '../../src/emulator/types';
import { launchBrowser, type LaunchedBrowser } from '../support/browser';
import { waitFor } from '../support/poll';
import { RedProcess } from '../support/red-process';
import { openEditor, saveScreenshot } from './editor-page';
import { prepareUserDir } from './user-dir';

const ACCESS_KEY = 'ist_sidebarTestKey00000000000000000';

describe('editor: the Initial State sidebar tab (browser)', function () {
  this.timeout(120_000);
  let emulator: Emulator;
  let red: RedProcess;
  let browser: LaunchedBrowser;
  let page: Page;

  /** The text of each row of the account's card, by row name. */
  const card = (id: string): Promise<Record<string, string>> =>
    page.evaluate((account) => {
      const rows: Record<string, string> = {};
      const section = document.querySelector(`.red-ui-sidebar-initialstate [data-account="${account}"]`);
      if (!section) return rows;
      rows.title = section.querySelector('.initialstate-title')?.textContent ?? '';
      rows.state = section.querySelector('.initialstate-state')?.textContent ?? '';
      section.querySelectorAll('tr[data-row]').forEach((tr) => (rows[tr.getAttribute('data-row')!] = tr.children[1]!.textContent ?? ''));
      return rows;
    }, id);
  const inject = async (id: string) => assert.equal((await red.request(`/inject/${id}`, { method: 'POST' })).status, 200);

  before(async () => {
    emulator = await startEmulator({ rateLimit: 1000 });
    red = new RedProcess();
    prepareUserDir(red);
    const account = (id: string, name: string, extra: Record<string, unknown> = {}) => ({
      id, type: 'initialstate-account', name, endpoint: emulator.apiUrl, bucketKey: 'sidebar', bucketName: 'Sidebar', tier: 'individual', flushInterval: 0, backoffBase: 300, backoffCap: 300, ...extra,
    });
    red.writeFlows(
      [
        { id: 'f1', type: 'tab', label: 'Flow 1' },
        account('acc-home', 'Home', { stayWithinQuota: true }),
        account('acc-lab', 'Lab', { monthlyQuota: 0 }),
        // Sharing its limit through a Redis that refuses connections (port 1): it limits locally.
        account('acc-plant', 'Plant', { rateShare: 'redis' }),
        { id: 'inj-home', type: 'inject', z: 'f1', name: 'temp', props: [{ p: 'payload' }, { p: 'topic', vt: 'str' }], topic: 'temp', payload: '21.5', payloadType: 'num', x: 120, y: 80, wires: [['s-home']] },
        { id: 's-home', type: 'initialstate-stream', z: 'f1', account: 'acc-home', x: 340, y: 80, wires: [] },
        { id: 'inj-lab', type: 'inject', z: 'f1', name: 'door', props: [{ p: 'payload' }, { p: 'topic', vt: 'str' }], topic: 'door', payload: 'open', payloadType: 'str', x: 120, y: 160, wires: [['s-lab']] },
        { id: 's-lab', type: 'initialstate-stream', z: 'f1', account: 'acc-lab', x: 340, y: 160, wires: [] },
      ],
      { 'acc-home': { accessKey: ACCESS_KEY }, 'acc-lab': { accessKey: ACCESS_KEY.replace('sidebar', 'labkey00') }, 'acc-plant': { accessKey: ACCESS_KEY.replace('sidebar', 'plantkey'), redisUrl: 'redis://127.0.0.1:1' } },
    );
    await red.start();
    browser = await launchBrowser();
    page = await browser.newPage();
    await page.setViewportSize({ width: 1400, height: 800 });
    await openEditor(page, red.url);
  });

  after(async () => {
    await browser?.close();
    await red?.dispose();
    await emulator?.close();
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    const file = path.resolve('test-results', `sidebar-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 60)}.png`);
    mkdirSync(path.dirname(file), { recursive: true });
    await page?.screenshot({ path: file }).catch(() => undefined);
    console.error(`screenshot: ${file}\nNode-RED output:\n${red?.output.slice(-5000)}`);
  });

  it('has its own tab, with one card per deployed account', async () => {
    // Node-RED 5 draws its sidebar tabs differently from 4: ask the editor's own API, on both.
    type Sidebar = { sidebar: { containsTab(id: string): boolean; show(id: string): void } };
    const added = await page.evaluate(() => (window as unknown as { RED: Sidebar }).RED.sidebar.containsTab('initialstate'));
    assert.equal(added, true, 'the tab is added');
    await page.evaluate(() => (window as unknown as { RED: Sidebar }).RED.sidebar.show('initialstate'));
    await page.locator('.red-ui-sidebar-initialstate').waitFor({ state: 'visible' });
    await waitFor('the three cards', async () => (await page.locator('.red-ui-sidebar-initialstate [data-account]').count()) === 3);
    const home = await card('acc-home');
    assert.equal(home.title, 'Home');
    assert.match(home.queue!, /^0 queued, 0 in flight, 0 sent$/);
    assert.match(home.quota!, /^0 of 3M \(0 %\)$/);
    assert.match(home.stay!, /^on, not needed$/);
    assert.equal(home.http, '0 / 0');
    assert.equal(home.error, 'none');
    assert.equal(home.sharing, 'this Node-RED alone');
    assert.match((await card('acc-lab')).quota!, /\(no limit\)/);
    await waitFor('the Plant card to say Redis is down', async () => (await card('acc-plant')).sharing === 'Redis unreachable, limiting locally', { timeoutMs: 15_000 });
  });

  it('follows an account live: events sent, quota used, retries and the last error with its time, without reloading', async () => {
    for (let i = 0; i < 3; i++) await inject('inj-home');
    await waitFor('the sends on the card', async () => /3 sent/.test((await card('acc-home')).queue ?? ''), { timeoutMs: 15_000 });
    assert.match((await card('acc-home')).quota!, /^3 of 3M/);
    assert.match((await card('acc-home')).projected!, /by month end, .*\/day/);
    emulator.injectFault({ kind: 'status', status: 503, count: 2 });
    await inject('inj-lab');
    await waitFor('the retries on the card', async () => /^0 \/ [1-9]/.test((await card('acc-lab')).http ?? ''), { timeoutMs: 15_000 });
    await waitFor('the delivery after the retries', async () => /1 sent/.test((await card('acc-lab')).queue ?? ''), { timeoutMs: 15_000 });
    const lab = await card('acc-lab');
    assert.match(lab.error!, /503.* at \d/, 'the cause with its time');
    assert.match(lab.window!, /^\d+ of \d+ slots$/);
    assert.equal((await card('acc-home')).error, 'none', 'each card its own account');
    await saveScreenshot(page, 'sidebar', page.locator('#red-ui-sidebar'));
  });

  it('takes a card off when its account is removed', async () => {
    const flows = (await (await red.request('/flows')).json()) as { id: string; account?: string }[];
    await red.deployFull(flows.filter((n) => n.id !== 'acc-lab' && n.id !== 's-lab' && n.id !== 'inj-lab') as never);
    await waitFor('the Lab card to go', async () => (await page.locator('.red-ui-sidebar-initialstate [data-account]').count()) === 2, { timeoutMs: 15_000 });
    assert.equal(await page.locator('.red-ui-sidebar-initialstate [data-account="acc-lab"]').count(), 0);
    assert.equal((await card('acc-home')).title, 'Home');
  });
});
