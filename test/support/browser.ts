/**
 * Starts Chromium for browser tests (the dashboard, the editor), headless with a fresh profile
 * that is removed on close.
 *
 * Which Chromium: a system one when installed (`/usr/bin/chromium` and the like), otherwise the
 * one packaged in the `@sparticuz/chromium` devDependency, unpacked once into
 * `node_modules/.cache/`. `BROWSER=bundled` forces the packaged one, so the path a fresh machine
 * takes can be tried anywhere; `BROWSER=/path/to/chrome` names a binary. Nothing is downloaded.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { PACKAGE_ROOT } from './red-process';

/** Where distributions install Chromium, tried in this order. */
export const SYSTEM_CHROMIUM_PATHS: readonly string[] = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/**
 * Flags that keep Chromium headless, offline and quiet in a container. Not the packaged
 * Chromium's own defaults: those include `--single-process`, made for serverless functions.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A Chromium binary and where it came from. */
export interface ChromiumChoice {
  executablePath: string;
  source: 'system' | 'bundled' | 'BROWSER';
  /** Extra environment for the browser process (fonts for the packaged one on a machine without any). */
  env?: Record<string, string>;
}

let bundled: Promise<ChromiumChoice> | undefined;

/** Picks the Chromium to run, per the file notes; throws when `BROWSER` names no file. */
export async function chooseChromium(browser = process.env.BROWSER ?? ''): Promise<ChromiumChoice> {
  if (browser !== '' && browser !== 'bundled' && browser !== 'system') {
    if (!existsSync(browser)) throw new Error(`BROWSER must be "bundled", "system" or the path of a Chromium binary (got "${browser}": no such file)`);
    return { executablePath: browser, source: 'BROWSER' };
  }
  if (browser !== 'bundled') {
    const system = SYSTEM_CHROMIUM_PATHS.find((p) => existsSync(p));
    if (system) return { executablePath: system, source: 'system' };
    if (browser === 'system') throw new Error(`BROWSER=system, but no Chromium at ${SYSTEM_CHROMIUM_PATHS.join(', ')}`);
  }
  bundled ??= unpackBundled();
  return bundled;
}

/**
 * Unpacks the packaged Chromium into a cache folder of its version. The package unpacks into
 * `os.tmpdir()`, so it is pointed at a private folder that is then renamed into place: runs
 * side by side never share a half-written binary, and nothing lands in the shared /tmp.
 */
async function unpackBundled(): Promise<ChromiumChoice> {
  const pkgDir = path.dirname(require.resolve('@sparticuz/chromium'));
  const pkg = JSON.parse(readFileSync(path.join(pkgDir, '..', '..', 'package.json'), 'utf8')) as { version: string };
  const cacheRoot = path.join(PACKAGE_ROOT, 'node_modules', '.cache');
  const dir = path.join(cacheRoot, `sparticuz-chromium-${pkg.version}`);
  const binary = path.join(dir, 'chromium');
  if (!existsSync(binary)) {
    mkdirSync(cacheRoot, { recursive: true });
    const work = mkdtempSync(path.join(cacheRoot, 'sparticuz-chromium-unpacking-'));
    const savedTmp = process.env.TMPDIR;
    try {
      process.env.TMPDIR = work;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const Chromium = require('@sparticuz/chromium') as { executablePath(): Promise<string> };
      await Chromium.executablePath();
    } finally {
      if (savedTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmp;
    }
    writeFileSync(path.join(work, 'fonts.conf'), fontsConf(path.join(dir, 'fonts', 'fonts')));
    try {
      renameSync(work, dir);
    } catch (err) {
      // Another run unpacked it first: use theirs.
      rmSync(work, { recursive: true, force: true });
      if (!existsSync(binary)) throw err;
    }
  }
  // A machine with no fontconfig setup of its own gets the package's fonts.
  const env = existsSync('/etc/fonts/fonts.conf') ? undefined : { FONTCONFIG_FILE: path.join(dir, 'fonts.conf') };
  return { executablePath: binary, source: 'bundled', env };
}

function fontsConf(fontDir: string): string {
  return `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${fontDir}</dir>\n  <cachedir>${path.join(tmpdir(), 'fontconfig-cache')}</cachedir>\n</fontconfig>\n`;
}

/** A running browser: one context on a fresh profile. */
export interface LaunchedBrowser {
  context: BrowserContext;
  /** Which Chromium runs. */
  chromium: ChromiumChoice;
  /** Opens a new tab. */
  newPage(): Promise<Page>;
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

/** Launches the Chromium {@link chooseChromium} picks, on a fresh profile, with a 1200 × 800 viewport and the en-US locale. */
export async function launchBrowser(): Promise<LaunchedBrowser> {
  const choice = await chooseChromium();
  const profile = mkdtempSync(path.join(tmpdir(), 'nr-is-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: choice.executablePath,
      headless: true,
      args: [...CHROMIUM_ARGS],
      env: choice.env ? { ...process.env, ...choice.env } : undefined,
      viewport: { width: 1200, height: 800 },
      // Chromium takes its locale from LANG; under LANG=C it is "en-US@posix", which Intl rejects.
      locale: 'en-US',
    });
    return {
      context,
      chromium: choice,
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
