/**
 * One editor session for a browser suite, set up as `npm start` sets it up: the emulator, a real
 * Node-RED with this package installed, INITIALSTATE_ENDPOINT naming the emulator, and the demo
 * flow (example 01) deployed with the demo account's key; then a Chromium tab on the editor.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startEmulator } from '../../src/emulator';
import type { Emulator } from '../../src/emulator/types';
import { launchBrowser, type LaunchedBrowser } from '../support/browser';
import { examplesDir } from '../support/flows';
import { RedProcess, type FlowNode } from '../support/red-process';
import { openEditor } from './editor-page';
import { prepareUserDir } from './user-dir';

/** The key `npm start` stores for the demo account (scripts/start.js). */
export const DEMO_KEY = 'ist_demoLocalEmulatorKey000000000000';
/** The demo account's node id in every example. */
export const DEMO_ACCOUNT = 'demo-account';

/** What a suite works with; filled in by the `before` hook {@link editorSession} adds. */
export interface EditorSession {
  emulator: Emulator;
  red: RedProcess;
  browser: LaunchedBrowser;
  page: Page;
}

/**
 * Adds before/after hooks to the calling suite that start (and stop) an {@link EditorSession},
 * and an afterEach hook that, for a failed test, saves a screenshot under test-results/, prints
 * Node-RED's output and closes any dialog left open.
 */
export function editorSession(name: string): EditorSession {
  const session = {} as EditorSession;
  let savedEndpoint: string | undefined;
  before(async () => {
    session.emulator = await startEmulator({ rateLimit: 1000 });
    savedEndpoint = process.env.INITIALSTATE_ENDPOINT;
    // Node-RED inherits it, as npm start's Node-RED does.
    process.env.INITIALSTATE_ENDPOINT = session.emulator.apiUrl;
    session.red = new RedProcess();
    prepareUserDir(session.red);
    const demo = JSON.parse(fs.readFileSync(path.join(examplesDir(), '01-system-metrics-dashboard.json'), 'utf8')) as FlowNode[];
    session.red.writeFlows(demo, { [DEMO_ACCOUNT]: { accessKey: DEMO_KEY } });
    await session.red.start();
    session.browser = await launchBrowser();
    session.page = await session.browser.newPage();
    await openEditor(session.page, session.red.url);
  });

  after(async () => {
    await session.browser?.close();
    await session.red?.dispose();
    await session.emulator?.close();
    if (savedEndpoint === undefined) delete process.env.INITIALSTATE_ENDPOINT;
    else process.env.INITIALSTATE_ENDPOINT = savedEndpoint;
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    const { page, red } = session;
    // What the user would have seen, and what Node-RED said, for whoever reads the failure.
    const file = path.resolve('test-results', `${name}-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 60)}.png`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await page?.screenshot({ path: file }).catch(() => undefined);
    console.error(`screenshot: ${file}\nNode-RED output:\n${red?.output.slice(-5000)}`);
    await closeDialogs(page);
  });
  return session;
}

/** Cancels every open edit dialog and confirmation, topmost first. */
export async function closeDialogs(page: Page | undefined): Promise<void> {
  for (let i = 0; page && i < 4; i++) {
    const cancel = await page.$('#node-config-dialog-cancel:visible, #node-dialog-cancel:visible, .red-ui-notification button:visible:has-text("Cancel")');
    if (!cancel) break;
    await cancel.click();
    await cancel.waitForElementState('hidden');
  }
}
