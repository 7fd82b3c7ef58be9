import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { AccountNodeDef } from '../../../nodes/lib/account-node';
import { accountInput } from '../../../nodes/lib/account-options';

/** Settings as the editor saves them: numbers as strings. */
const EDITOR: AccountNodeDef = {
  id: 'acc1',
  type: 'initialstate-account',
  name: '',
  z: '',
  endpoint: 'https://groker.init.st/api',
  bucketKey: 'b',
  bucketName: '',
  tier: 'individual',
  rateLimit: '30',
  batchSize: '10',
  flushInterval: '1000',
  maxQueue: '100000',
  overflow: 'drop-oldest',
  persist: 'off',
  autoCreate: true,
  monthlyQuota: '3000000',
  transport: 'json',
  closeTimeout: '5000',
};

describe('nodes/lib/account-options', () => {
  it('turns numeric strings into numbers and keeps the access key', () => {
    const input = accountInput(EDITOR, { accessKey: 'ist_x' }, undefined);
    assert.equal(input.accessKey, 'ist_x');
    assert.equal(input.batchSize, 10);
    assert.equal(input.tier, 'individual');
    assert.equal(input.monthlyQuota, 3_000_000);
    assert.equal(input.spoolFile, undefined);
  });

  it('leaves non-numeric text as typed, so validation can quote it', () => {
    assert.equal(accountInput({ ...EDITOR, batchSize: 'ten' }, {}, undefined).batchSize, 'ten');
  });

  it('passes the hidden timing settings when the flow sets them', () => {
    const input = accountInput({ ...EDITOR, requestTimeout: '300', backoffBase: 10, backoffCap: 50, windowMs: 1000, quotaProbeInterval: 200, memoryWindow: '500' }, {}, undefined);
    assert.deepEqual(
      [input.requestTimeout, input.backoffBase, input.backoffCap, input.windowMs, input.quotaProbeInterval, input.memoryWindow],
      [300, 10, 50, 1000, 200, 500],
    );
    assert.equal('requestTimeout' in accountInput(EDITOR, {}, undefined), false);
  });

  it('uses the custom rate limit as the tier', () => {
    assert.equal(accountInput({ ...EDITOR, tier: 'custom', rateLimit: '7' }, {}, undefined).tier, 7);
  });

  it('drops empty settings so the engine defaults apply, and gives an empty key when none is stored', () => {
    const input = accountInput({ ...EDITOR, flushInterval: '', endpoint: '' }, undefined, undefined);
    assert.equal('flushInterval' in input, false);
    assert.equal('endpoint' in input, false);
    assert.equal(input.accessKey, '');
  });

  it('puts the spool and quota files in <userDir>/initialstate/ with persist file', () => {
    const input = accountInput({ ...EDITOR, persist: 'file' }, {}, '/home/nr/.node-red');
    assert.equal(input.spoolFile, path.join('/home/nr/.node-red', 'initialstate', 'acc1.spool'));
    assert.equal(input.quotaFile, path.join('/home/nr/.node-red', 'initialstate', 'acc1.quota.json'));
  });

  it('keeps the monthly count in <userDir>/initialstate/ with persist off too, and no spool', () => {
    const input = accountInput(EDITOR, {}, '/home/nr/.node-red');
    assert.equal(input.quotaFile, path.join('/home/nr/.node-red', 'initialstate', 'acc1.quota.json'));
    assert.equal(input.spoolFile, undefined);
  });

  it('refuses persist file without a user directory, naming the setting', () => {
    assert.throws(() => accountInput({ ...EDITOR, persist: 'file' }, {}, undefined), /persist 'file' needs Node-RED's settings.userDir/);
  });

  it('refuses an endpoint left as an unset environment variable, naming the setting and the variable', () => {
    const expected = "endpoint ${INITIALSTATE_ENDPOINT}: the environment variable INITIALSTATE_ENDPOINT is not set in Node-RED's environment; set it, or enter the API address (such as https://groker.init.st/api)";
    assert.throws(() => accountInput({ ...EDITOR, endpoint: '${INITIALSTATE_ENDPOINT}' }, {}, undefined), { message: expected });
    assert.throws(() => accountInput({ ...EDITOR, endpoint: '$(IS_API)' }, {}, undefined), /^Error: endpoint \$\(IS_API\): the environment variable IS_API is not set/);
  });

  it('refuses an environment variable inside a longer endpoint, which Node-RED never replaces', () => {
    assert.throws(() => accountInput({ ...EDITOR, endpoint: 'http://${IS_HOST}/api' }, {}, undefined), /^Error: endpoint "http:\/\/\$\{IS_HOST\}\/api": Node-RED only replaces an environment variable that is the whole setting, not \$\{IS_HOST\} inside it/);
  });

  it('takes an endpoint that is an address, with a $ elsewhere left alone', () => {
    assert.equal(accountInput({ ...EDITOR, endpoint: 'http://127.0.0.1:8890/api' }, {}, undefined).endpoint, 'http://127.0.0.1:8890/api');
    assert.equal(accountInput({ ...EDITOR, endpoint: 'https://example.com/$api' }, {}, undefined).endpoint, 'https://example.com/$api');
  });
});
