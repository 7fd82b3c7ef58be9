/**
 * Starts Debian's Chromium for browser tests (the dashboard, the editor), headless with a fresh
 * profile that is removed on close.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Where CI installs Chromium (`apt-get install chromium`). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags that keep Chromium headless, offline and quiet in a container. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A running browser: one context on a fresh profile. */
export interface LaunchedBrowser {
  context: BrowserContext;
  /** Opens a new tab. */
  newPage(): Promise<Page>;
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

/** Launches Chromium from {@link CHROMIUM_PATH}; throws a clear error when it is not installed. */
export async function launchBrowser(): Promise<LaunchedBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install it (\`apt-get install -y chromium\`) to run the browser tests`);
  }
  const profile = mkdtempSync(path.join(tmpdir(), 'nr-is-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS],
      viewport: { width: 1200, height: 800 },
    });
    return {
      context,
      newPage: () => context.newPage(),
      close: async () => {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
}
