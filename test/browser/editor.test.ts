/**
 * The editor as a user meets it: a real Node-RED (started as a user starts it, with this package
 * installed in its user directory), a real Chromium, and the local emulator as the Events API.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { startEmulator } from '../../src/emulator';
import type { Emulator } from '../../src/emulator/types';
import { launchBrowser, type LaunchedBrowser } from '../support/browser';
import { deploy, dragIn, flowNode, invalidMarks, nodeIds, openEditDialog, openEditor, paletteNode, nodeIdByName, saveScreenshot, setTypedInput, typeInto, wire } from './editor-page';
import { waitFor } from '../support/poll';
import { RedProcess } from '../support/red-process';
import { prepareUserDir } from './user-dir';

const ACCESS_KEY = 'ist_editorTestKey000000000000000000';
const TYPES = ['initialstate-stream', 'initialstate-bucket'] as const;

describe('editor: the Initial State nodes as a user meets them (browser)', function () {
  this.timeout(120_000);
  let emulator: Emulator;
  let red: RedProcess;
  let browser: LaunchedBrowser;
  let page: Page;

  before(async () => {
    emulator = await startEmulator({ rateLimit: 1000 });
    red = new RedProcess();
    prepareUserDir(red);
    await red.start();
    browser = await launchBrowser();
    page = await browser.newPage();
    await openEditor(page, red.url);
  });

  after(async () => {
    await browser?.close();
    await red?.dispose();
    await emulator?.close();
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    // What the user would have seen, and what Node-RED said, for whoever reads the failure.
    const file = path.resolve('test-results', `editor-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 60)}.png`);
    mkdirSync(path.dirname(file), { recursive: true });
    await page?.screenshot({ path: file }).catch(() => undefined);
    console.error(`screenshot: ${file}\nNode-RED output:\n${red?.output.slice(-5000)}`);
    // Leave no dialog open over the workspace for the next test.
    for (let i = 0; i < 3; i++) {
      const cancel = await page.$('#node-config-dialog-cancel:visible, #node-dialog-cancel:visible, .red-ui-notification button:visible:has-text("Cancel")');
      if (!cancel) break;
      await cancel.click();
      await cancel.waitForElementState('hidden');
    }
  });

  it('shows its flow nodes under one "Initial State" palette category, each with its icon', async () => {
    const category = page.locator('#red-ui-palette-container-Initial_State');
    assert.equal(await category.locator('.red-ui-palette-header span').textContent(), 'Initial State');
    const inCategory = await category.locator('.red-ui-palette-node').evaluateAll((els) => els.map((e) => e.getAttribute('data-palette-type')));
    assert.deepEqual([...inCategory].sort(), [...TYPES].sort());
    for (const type of TYPES) {
      const icon = paletteNode(page, type).locator('.red-ui-palette-icon');
      const image = await icon.evaluate((el) => getComputedStyle(el).backgroundImage);
      assert.match(image, /icons\/node-red-contrib-initial-state\/initialstate\.svg/, `${type} icon`);
      // The icon is served, not a broken link.
      const res = await red.request('/icons/node-red-contrib-initial-state/initialstate.svg');
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /svg/);
    }
    // The account is a config node: in the config sidebar's types, not in the palette.
    assert.equal(await paletteNode(page, 'initialstate-account').count(), 0);
  });

  it('a user drags a stream node in, creates an account, sets a key, deploys, and an inject click reaches the dashboard', async () => {
    const stream = await dragIn(page, 'initialstate-stream', 420, 120);
    const inject = await dragIn(page, 'inject', 160, 120);
    await wire(page, inject, stream);

    await openEditDialog(page, stream);
    await page.locator('#node-input-btn-account-add').click();
    await page.locator('#node-config-dialog-ok').waitFor({ state: 'visible' });
    const accessKey = page.locator('#node-config-input-accessKey');
    assert.equal(await accessKey.getAttribute('type'), 'password');
    await typeInto(accessKey, ACCESS_KEY);
    await typeInto(page.locator('#node-config-input-endpoint'), emulator.apiUrl);
    await typeInto(page.locator('#node-config-input-bucketKey'), 'editor-test');
    await typeInto(page.locator('#node-config-input-bucketName'), 'Editor test');
    await page.locator('#node-config-dialog-ok').click();
    await page.locator('#node-config-dialog-ok').waitFor({ state: 'detached' });
    await setTypedInput(page, 'key', 'str', 'temperature');
    await page.locator('#node-dialog-ok').click();
    await page.locator('#node-dialog-ok').waitFor({ state: 'detached' });
    assert.equal((await invalidMarks(page, stream)).valid, true);

    await deploy(page);
    await flowNode(page, inject).locator('.red-ui-flow-node-button').click();

    await flowNode(page, stream).locator('.red-ui-flow-node-status-label', { hasText: '1 sent' }).waitFor();
    const events = emulator.events({ bucketKey: 'editor-test' });
    assert.equal(events.length, 1);
    assert.equal(events[0].key, 'temperature');
    assert.equal(typeof events[0].value, 'number', 'the inject node sends a timestamp');

    // The access key went to the runtime as a credential, and the editor never gets it back.
    const flows = await (await red.request('/flows')).text();
    assert.ok(!flows.includes(ACCESS_KEY), 'the deployed flow carries no access key');

    const dashboard = await browser.newPage();
    try {
      await dashboard.goto(emulator.url);
      const value = dashboard.locator('[data-bucket="editor-test"][data-stream="temperature"] .value');
      await value.waitFor();
      assert.equal(await value.textContent(), String(events[0].value));
      // The bucket carries the name set on the account, as it would in Initial State's bucket shelf.
      assert.equal(await dashboard.locator('[data-bucket="editor-test"] .bucket-name').textContent(), 'Editor test');
    } finally {
      await dashboard.close();
    }
  });

  it('imports the demo flow from Import → Examples; pointed at the emulator, it charts live on the dashboard', async () => {
    await page.keyboard.press('Control+i');
    await page.locator('#red-ui-clipboard-dialog-import-tabs').getByText('Examples', { exact: true }).click();
    const tree = page.locator('#red-ui-clipboard-dialog-import-tab-examples .red-ui-treeList-label-text');
    await tree.getByText('node-red-contrib-initial-state', { exact: true }).click();
    await tree.getByText('01-system-metrics-dashboard', { exact: true }).click();
    const importButton = page.locator('#red-ui-clipboard-dialog-ok');
    await importButton.click();
    await importButton.waitFor({ state: 'hidden' });
    await page.locator('.red-ui-tab', { hasText: 'System metrics' }).click();
    const stream = await nodeIdByName(page, 'initialstate-stream', 'system metrics');
    const inject = await nodeIdByName(page, 'inject', 'every 5 s');
    await flowNode(page, stream).waitFor();

    // The example ships with the real endpoint and no key: the user points it at the emulator.
    await openEditDialog(page, stream);
    await page.locator('#node-input-btn-account-edit').click();
    await page.locator('#node-config-dialog-ok').waitFor({ state: 'visible' });
    await typeInto(page.locator('#node-config-input-accessKey'), ACCESS_KEY);
    await typeInto(page.locator('#node-config-input-endpoint'), emulator.apiUrl);
    await page.locator('#node-config-dialog-ok').click();
    await page.locator('#node-config-dialog-ok').waitFor({ state: 'detached' });
    await page.locator('#node-dialog-ok').click();
    await page.locator('#node-dialog-ok').waitFor({ state: 'detached' });
    await deploy(page);

    // A few more readings than the 5 s timer gives, so the charts have a line to draw.
    const metrics = (): number => emulator.events({ bucketKey: 'system-metrics' }).length;
    for (let readings = 1; readings <= 4; readings++) {
      await flowNode(page, inject).locator('.red-ui-flow-node-button').click();
      await waitFor(`reading ${readings} at the emulator`, () => metrics() >= readings * 3, { describe: () => `${metrics()} events` });
    }
    assert.deepEqual([...new Set(emulator.events({ bucketKey: 'system-metrics' }).map((e) => e.key))].sort(), ['cpu_load', 'free_memory_mb', 'uptime_h']);
    // The deploy and inject notifications fade by themselves; the screenshot shows the flow without them.
    await page.waitForFunction(() => !document.querySelector('.red-ui-notification'));
    await page.locator('#red-ui-workspace-chart').evaluate((chart) => chart.scrollTo(0, 0));
    await flowNode(page, stream).locator('.red-ui-flow-node-status-label', { hasText: /^\d+ sent$/ }).waitFor();
    await saveScreenshot(page, 'editor-demo-flow');

    const dashboard = await browser.newPage();
    try {
      await dashboard.goto(emulator.url);
      await dashboard.locator('[data-bucket="system-metrics"] .bucket-name', { hasText: 'System metrics' }).waitFor();
      for (const key of ['cpu_load', 'free_memory_mb', 'uptime_h']) {
        await dashboard.locator(`[data-bucket="system-metrics"][data-stream="${key}"] .chart canvas`).waitFor();
      }
      await saveScreenshot(dashboard, 'dashboard-demo-flow', dashboard.locator('[data-bucket="system-metrics"]').first());
    } finally {
      await dashboard.close();
    }
  });

  it('marks invalid settings before deploy: an empty access key, batch size 0, a bucket key with ":"', async () => {
    const stream = await dragIn(page, 'initialstate-stream', 420, 260);
    await openEditDialog(page, stream);
    await page.locator('#node-input-btn-account-add').click();
    await page.locator('#node-config-dialog-ok').waitFor({ state: 'visible' });
    await typeInto(page.locator('#node-config-input-endpoint'), emulator.apiUrl);
    const batchSize = page.locator('#node-config-input-batchSize');
    await typeInto(batchSize, '0');
    await typeInto(page.locator('#node-config-input-name'), 'Invalid account');
    await assertInputError(page.locator('#node-config-input-accessKey'), true, 'empty access key');
    await assertInputError(batchSize, true, 'batch size 0');
    await assertInputError(page.locator('#node-config-input-endpoint'), false, 'the emulator endpoint');
    await page.locator('#node-config-dialog-ok').click();
    await page.locator('#node-config-dialog-ok').waitFor({ state: 'detached' });
    const account = await nodeIdByName(page, 'initialstate-account', 'Invalid account');
    // Node-RED 4 validates credentials only in the dialog (above), so the model names the batch size.
    const accountMarks = await invalidMarks(page, account);
    assert.equal(accountMarks.valid, false);
    assert.ok(accountMarks.errors.some((e) => /1 to 10/.test(e)), `account errors: ${accountMarks.errors.join('; ')}`);

    const bucketKey = page.locator('#node-input-bucketKey + .red-ui-typedInput-container');
    await setTypedInput(page, 'bucketKey', 'str', 'bad:key');
    await assertInputError(bucketKey, true, 'bucket key "bad:key"');
    await setTypedInput(page, 'bucketKey', 'str', 'good-key');
    await assertInputError(bucketKey, false, 'bucket key "good-key"');
    await setTypedInput(page, 'bucketKey', 'str', 'bad:key');
    await page.locator('#node-dialog-ok').click();
    await page.locator('#node-dialog-ok').waitFor({ state: 'detached' });

    const marks = await invalidMarks(page, stream);
    assert.equal(marks.valid, false);
    assert.equal(marks.triangle, true, 'the red triangle on the workspace');
    assert.ok(marks.errors.some((e) => /bucket key/.test(e)), `errors: ${marks.errors.join('; ')}`);

    // Deploying now asks first, as Node-RED does for nodes that are not properly configured.
    await page.locator('#red-ui-header-button-deploy:not(.disabled)').click();
    const confirm = page.locator('.red-ui-notification', { hasText: 'not properly configured' });
    await confirm.waitFor();
    await saveScreenshot(page, 'editor-invalid');
    await confirm.locator('button', { hasText: 'Cancel' }).click();
    await confirm.waitFor({ state: 'hidden' });
  });

  it('shows the stream node\'s help in the help panel', async () => {
    const [stream] = await nodeIds(page, 'initialstate-stream');
    await flowNode(page, stream).locator('rect.red-ui-flow-node').click();
    // The sidebar's markup differs between Node-RED 4 and 5; the editor action behind the book
    // icon (and its keyboard shortcut) is the same in both.
    await page.evaluate(() => (globalThis as unknown as { RED: { actions: { invoke(name: string): void } } }).RED.actions.invoke('core:show-help-tab'));
    // The help section holds the node's help in a nested .red-ui-help; the outer one is first.
    const help = page.locator('.red-ui-help', { hasText: 'Streams msg.payload into an Initial State bucket' }).first();
    await help.waitFor();
    const sections = await help.locator('h3').allTextContents();
    for (const section of ['Inputs', 'Outputs', 'Details']) {
      assert.ok(sections.some((text) => text.includes(section)), `help sections: ${sections.join(', ')}`);
    }
  });

});

/** Asserts whether an input (or a TypedInput's container) carries the editor's `input-error` class. */
async function assertInputError(input: Locator, expected: boolean, what: string): Promise<void> {
  const classes = (await input.getAttribute('class')) ?? '';
  assert.equal(classes.split(/\s+/).includes('input-error'), expected, `${what}: ${expected ? 'marked' : 'not marked'} invalid (class "${classes}")`);
}
