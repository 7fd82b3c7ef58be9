/**
 * The account dialog and the fit of all three dialogs, in a real editor (set up as npm start sets
 * it up) with a real Chromium: the tabs, what each holds, no control cut off, and Verify key
 * against the emulator.
 */
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { clippedControls, dragIn, newFlowTab, nodeIdByName, openEditDialog, saveScreenshot, settled, typeInto } from './editor-page';
import { closeDialogs, DEMO_KEY, editorSession } from './editor-session';

const WRONG_KEY = 'ist_notTheDemoKey000000000000000000';
const TABS = ['connection', 'delivery', 'advanced'] as const;
/** Fields by the tab that holds them (the Redis ones only show for rateShare redis). */
const FIELDS: Record<(typeof TABS)[number], string[]> = {
  connection: ['accessKey', 'endpoint', 'tier', 'bucketKey', 'bucketName'],
  delivery: ['batchSize', 'flushInterval', 'maxQueue', 'overflow', 'persist', 'monthlyQuota', 'stayWithinQuota', 'autoCreate'],
  advanced: ['transport', 'closeTimeout', 'rateShare', 'redisUrl', 'redisPrefix'],
};

/** The topmost edit dialog (the tray sliding in from the right), for screenshots of it alone. */
const topDialog = (page: Page): Locator => page.locator('.red-ui-tray').last();

describe('editor: the account dialog and the fit of every dialog (browser)', function () {
  this.timeout(120_000);
  const session = editorSession('account-dialog');
  let page: Page;
  before(() => {
    page = session.page;
  });
  afterEach(() => closeDialogs(page));

  /** Opens the demo account's dialog from the demo flow's stream node. */
  async function openDemoAccount(): Promise<void> {
    await page.locator('.red-ui-tab', { hasText: 'System metrics' }).click();
    await openEditDialog(page, await nodeIdByName(page, 'initialstate-stream', 'system metrics'));
    await page.locator('#node-input-btn-account-edit').click();
    await page.locator('#node-config-dialog-ok').waitFor({ state: 'visible' });
    await settled(page);
  }

  /**
   * Clicks a tab of the account dialog and waits for its content. The editor's tab bar takes two
   * clicks within 400 ms, on any tabs, for a double-click (which switches nothing), so a click that
   * follows another too soon is tried again.
   */
  async function showTab(tab: (typeof TABS)[number]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await page.locator(`#initialstate-account-tabs a[href="#initialstate-account-tab-${tab}"]`).click();
      try {
        await page.locator(`#initialstate-account-tab-${tab}`).waitFor({ state: 'visible', timeout: attempt < 3 ? 1000 : 10_000 });
        return;
      } catch (err) {
        if (attempt >= 3) throw err;
      }
    }
  }

  it('splits the account into Connection, Delivery and Advanced tabs; the Redis fields show only for Redis sharing', async () => {
    await openDemoAccount();
    assert.deepEqual(await page.locator('#initialstate-account-tabs .red-ui-tab-label').allInnerTexts(), ['Connection', 'Delivery', 'Advanced']);
    // The dialog opens on Connection, with the name above the tabs.
    assert.ok(await page.locator('#initialstate-account-tab-connection').isVisible());
    assert.ok(await page.locator('#node-config-input-name').isVisible());
    for (const tab of TABS) {
      await showTab(tab);
      for (const other of TABS) assert.equal(await page.locator(`#initialstate-account-tab-${other}`).isVisible(), other === tab, `${other} while ${tab} is shown`);
      for (const field of FIELDS[tab]) {
        const inTab = await page.locator(`#initialstate-account-tab-${tab} #node-config-input-${field}`).count();
        assert.equal(inTab, 1, `${field} in ${tab}`);
      }
    }
    const redis = page.locator('#node-config-input-redisUrl');
    assert.equal(await page.locator('#node-config-input-rateShare').inputValue(), 'local');
    assert.equal(await redis.isVisible(), false, 'no Redis URL for local sharing');
    await page.selectOption('#node-config-input-rateShare', 'redis');
    assert.equal(await redis.isVisible(), true);
    assert.equal(await redis.getAttribute('type'), 'password');
    assert.ok(await page.locator('#node-config-input-redisPrefix').isVisible());
    await page.selectOption('#node-config-input-rateShare', 'local');
    assert.equal(await redis.isVisible(), false);
  });

  it('cuts off no control and wraps no label in any tab of the account dialog, with every optional row shown', async () => {
    await openDemoAccount();
    await page.selectOption('#node-config-input-tier', 'custom');
    await showTab('advanced');
    await page.selectOption('#node-config-input-rateShare', 'redis');
    for (const tab of TABS) {
      await showTab(tab);
      assert.deepEqual(await clippedControls(page), [], `the ${tab} tab`);
      await saveScreenshot(page, `editor-account-${tab}`, topDialog(page));
    }
    // The check itself sees a cut-off option: narrowed, the transport select fails it.
    await page.locator('#node-config-input-transport').evaluate((select) => ((select as HTMLElement).style.width = '120px'));
    const narrowed = await clippedControls(page);
    assert.ok(narrowed.some((line) => line.startsWith('node-config-input-transport: option "JSON POST (keeps timestamps)"')), narrowed.join('\n'));
  });

  it('cuts off no control in the stream event and create bucket dialogs', async () => {
    await newFlowTab(page);
    for (const type of ['initialstate-stream', 'initialstate-bucket']) {
      const id = await dragIn(page, type, 300, type === 'initialstate-stream' ? 100 : 220);
      await openEditDialog(page, id);
      assert.deepEqual(await clippedControls(page), [], type);
      await saveScreenshot(page, `editor-${type.replace('initialstate-', '')}-dialog`, topDialog(page));
      await closeDialogs(page);
    }
  });

  it('Verify key asks the emulator: the stored demo key is accepted, a mistyped key rejected, a dead endpoint unreachable', async () => {
    const { emulator } = session;
    emulator.configure({ accessKeys: [DEMO_KEY] });
    try {
      await openDemoAccount();
      const verify = page.locator('#initialstate-account-verify');
      const result = page.locator('#initialstate-account-verify-result');
      // The key is not retyped: the dialog holds only a placeholder, the runtime uses the stored key.
      assert.notEqual(await page.locator('#node-config-input-accessKey').inputValue(), DEMO_KEY);
      await verify.click();
      await page.locator('#initialstate-account-verify-result[data-outcome="accepted"]').waitFor();
      assert.match(await result.innerText(), /^Accepted: the key is accepted/);
      await saveScreenshot(page, 'editor-verify-key', topDialog(page));

      await typeInto(page.locator('#node-config-input-accessKey'), WRONG_KEY);
      await verify.click();
      await page.locator('#initialstate-account-verify-result[data-outcome="rejected"]').waitFor();
      assert.equal(await result.innerText(), 'Rejected: HTTP 401 ACCESS_DENIED_KEY: this access key is not accepted');

      await typeInto(page.locator('#node-config-input-endpoint'), 'http://127.0.0.1:9/api');
      await verify.click();
      await page.locator('#initialstate-account-verify-result[data-outcome="unreachable"]').waitFor();
      assert.equal(await result.innerText(), 'Unreachable: ECONNREFUSED 127.0.0.1:9');
      // Neither key reached the page, and the checks stored no events.
      const html = await page.content();
      assert.ok(!html.includes(DEMO_KEY), 'the stored key never goes to the editor');
      // The account's bucket key went along: the emulator answers such a GET without events 204, storing nothing.
      const checks = emulator.requests().filter((r) => r.method === 'GET' && r.path === '/api/events');
      assert.deepEqual(checks.map((r) => [r.status, r.events]), [[204, 0], [401, 0]]);
      assert.equal(checks[0].bucketKey, 'system-metrics');
    } finally {
      emulator.configure({ accessKeys: undefined });
    }
  });
});
