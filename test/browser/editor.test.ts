/**
 * The editor as a user meets it: a real Node-RED set up as `npm start` sets it up (this package
 * installed, the demo flow and its account, INITIALSTATE_ENDPOINT naming the emulator), a real
 * Chromium, and the local emulator as the Events API.
 */
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { clippedControls, deploy, dragIn, flowNode, importExample, invalidMarks, newFlowTab, nodeIdByName, nodeIds, openEditDialog, paletteNode, saveScreenshot, setTypedInput, typeInto, wire } from './editor-page';
import { editorSession } from './editor-session';
import { waitFor } from '../support/poll';

const ACCESS_KEY = 'ist_editorTestKey000000000000000000';
const TYPES = ['initialstate-stream', 'initialstate-bucket'] as const;

describe('editor: the Initial State nodes as a user meets them (browser)', function () {
  this.timeout(120_000);
  const session = editorSession('editor');
  let page: Page;
  before(() => {
    page = session.page;
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
      const res = await session.red.request('/icons/node-red-contrib-initial-state/initialstate.svg');
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /svg/);
    }
    // The palette names them as the README does.
    const paletteText = async (type: string) => (await paletteNode(page, type).innerText()).replace(/\s+/g, ' ').trim();
    assert.equal(await paletteText('initialstate-stream'), 'stream event');
    assert.equal(await paletteText('initialstate-bucket'), 'create bucket');
    // The account is a config node: in the config sidebar's types, not in the palette.
    assert.equal(await paletteNode(page, 'initialstate-account').count(), 0);
  });

  it('a user drags a stream node in, creates an account, sets a key, deploys, and an inject click reaches the dashboard', async () => {
    const { emulator, red, browser } = session;
    await newFlowTab(page);
    const stream = await dragIn(page, 'initialstate-stream', 420, 120);
    const inject = await dragIn(page, 'inject', 160, 120);
    await wire(page, inject, stream);

    await openEditDialog(page, stream);
    assert.deepEqual(await clippedControls(page), [], 'the stream dialog');
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

  it('runs the demo flow as npm start sets it up, with no edit: it charts live on the dashboard', async () => {
    const { emulator, browser } = session;
    await page.locator('.red-ui-tab', { hasText: 'System metrics' }).click();
    const stream = await nodeIdByName(page, 'initialstate-stream', 'system metrics');
    const inject = await nodeIdByName(page, 'inject', 'every 5 s');
    await flowNode(page, stream).waitFor();
    assert.equal((await invalidMarks(page, stream)).valid, true);

    // A few more readings than the 5 s timer gives, so the charts have a line to draw.
    const metrics = (): number => emulator.events({ bucketKey: 'system-metrics' }).length;
    for (let readings = 1; readings <= 4; readings++) {
      const before = metrics();
      await flowNode(page, inject).locator('.red-ui-flow-node-button').click();
      await waitFor(`reading ${readings} at the emulator`, () => metrics() >= before + 3, { describe: () => `${metrics()} events` });
    }
    assert.deepEqual([...new Set(emulator.events({ bucketKey: 'system-metrics' }).map((e) => e.key))].sort(), ['cpu_load', 'free_memory_mb', 'uptime_h']);
    // The inject notifications fade by themselves; the screenshot shows the flow without them.
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

  it('imports an example from Import → Examples, and it delivers to the emulator as imported (no red triangle, no edit)', async () => {
    const { emulator } = session;
    await importExample(page, '02-sensor-fan-out-report-by-exception');
    await page.locator('.red-ui-tab', { hasText: 'Sensor, report by exception' }).click();
    const stream = await nodeIdByName(page, 'initialstate-stream', 'sensor streams');
    await flowNode(page, stream).waitFor();
    const marks = await invalidMarks(page, stream);
    assert.deepEqual([marks.valid, marks.triangle], [true, false], `errors: ${marks.errors.join('; ')}`);
    await deploy(page);
    // Its inject fires once on deploy.
    await waitFor('the sensor\'s three streams', () => emulator.events({ bucketKey: 'sensor-1' }).length >= 3);
    assert.deepEqual([...new Set(emulator.events({ bucketKey: 'sensor-1' }).map((e) => e.key))].sort(), ['humidity', 'pressure', 'temperature']);
  });

  it('marks invalid settings before deploy: an empty access key, batch size 0, a bucket key with ":"', async () => {
    const { emulator } = session;
    await newFlowTab(page);
    const stream = await dragIn(page, 'initialstate-stream', 420, 260);
    await openEditDialog(page, stream);
    await page.locator('#node-input-btn-account-add').click();
    await page.locator('#node-config-dialog-ok').waitFor({ state: 'visible' });
    await typeInto(page.locator('#node-config-input-endpoint'), emulator.apiUrl);
    await page.locator('#initialstate-account-tabs a[href="#initialstate-account-tab-delivery"]').click();
    await page.locator('#initialstate-account-tab-delivery').waitFor({ state: 'visible' });
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

  it('opens nodes a flow saved without some settings (an older version\'s, or hand-written) with those settings\' defaults, not blank fields', async () => {
    await newFlowTab(page);
    const flow = [
      { id: 'old-account', type: 'initialstate-account', name: 'Old account', endpoint: session.emulator.apiUrl },
      { id: 'old-stream', type: 'initialstate-stream', name: 'old stream', account: 'old-account', key: 'topic', keyType: 'msg', x: 300, y: 200, wires: [] },
    ];
    await page.evaluate((nodes) => (globalThis as unknown as { RED: { view: { importNodes(n: unknown): void } } }).RED.view.importNodes(nodes), flow);
    await flowNode(page, 'old-stream').waitFor();
    const values = (ids: string[]) => page.evaluate((list) => list.map((id) => {
      const input = document.getElementById(id) as HTMLInputElement;
      return input.type === 'checkbox' ? String(input.checked) : input.value;
    }), ids);

    await openEditDialog(page, 'old-stream');
    assert.deepEqual(
      await values(['node-input-timestamp', 'node-input-nullValues', 'node-input-separator', 'node-input-deadband', 'node-input-deadbandMode', 'node-input-minInterval', 'node-input-aggregate', 'node-input-onChange']),
      ['message', 'skip', '_', '0', 'absolute', '0', 'last', 'false'],
    );
    await page.locator('#node-input-btn-account-edit').click();
    await page.locator('#node-config-dialog-ok').waitFor({ state: 'visible' });
    assert.deepEqual(
      await values(['node-config-input-tier', 'node-config-input-overflow', 'node-config-input-persist', 'node-config-input-transport', 'node-config-input-rateShare', 'node-config-input-batchSize', 'node-config-input-autoCreate']),
      ['individual', 'drop-oldest', 'off', 'json', 'local', '10', 'true'],
    );
    // The rows that depend on a setting follow the default: no rate limit row for a named tier, no Redis fields.
    assert.equal(await page.locator('#initialstate-account-row-rateLimit').isVisible(), false);
    await page.locator('#node-config-dialog-cancel').click();
    await page.locator('#node-config-dialog-ok').waitFor({ state: 'detached' });
    await page.locator('#node-dialog-cancel').click();
    await page.locator('#node-dialog-ok').waitFor({ state: 'detached' });
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
