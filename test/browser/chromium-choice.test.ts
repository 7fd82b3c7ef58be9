/** Which Chromium the browser tests run (test/support/browser.ts), without launching one. */
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { chooseChromium, SYSTEM_CHROMIUM_PATHS } from '../support/browser';

describe('browser tests: the Chromium they run', function () {
  this.timeout(60_000);

  it('BROWSER=bundled unpacks the packaged Chromium into node_modules/.cache, an executable file', async () => {
    const choice = await chooseChromium('bundled');
    assert.equal(choice.source, 'bundled');
    assert.match(choice.executablePath, /node_modules[\\/]\.cache[\\/]sparticuz-chromium-[\d.]+[\\/]chromium$/);
    assert.ok(existsSync(choice.executablePath));
    assert.ok((statSync(choice.executablePath).mode & 0o100) !== 0, 'executable by its owner');
    // A second call reuses the same unpacked binary.
    assert.equal((await chooseChromium('bundled')).executablePath, choice.executablePath);
  });

  it('without BROWSER, a system Chromium wins when one is installed, else the packaged one', async () => {
    const system = SYSTEM_CHROMIUM_PATHS.find((p) => existsSync(p));
    const choice = await chooseChromium('');
    assert.equal(choice.source, system ? 'system' : 'bundled');
    if (system) assert.equal(choice.executablePath, system);
  });

  it('BROWSER naming no file is an error that quotes it', async () => {
    await assert.rejects(chooseChromium('/no/such/chromium'), /BROWSER must be "bundled", "system" or the path of a Chromium binary \(got "\/no\/such\/chromium": no such file\)/);
  });
});
