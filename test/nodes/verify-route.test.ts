import assert from 'node:assert/strict';
import { ACCESS_KEY, accountConfig, credentials, helper, OUR_NODES, withEmulator } from '../support/flows';

const ROUTE = '/initialstate-account/verify';

/** The helper's supertest agent on the admin app (not in the helper's local typings). */
interface AdminRequest {
  post(route: string): { send(body: object): { set(name: string, value: string): Promise<{ status: number; body: Record<string, any> }> } };
}
const admin = (): AdminRequest => (helper as unknown as { request(): AdminRequest }).request();
const OTHER = 'ist_verifyRouteOtherKey0000000000000';

describe('account node: the Verify key admin route', () => {
  const api = withEmulator({ accessKeys: [ACCESS_KEY] });
  beforeEach(async () => {
    await helper.load(OUR_NODES, [accountConfig(api.emulator)], credentials());
  });

  /** Everything the runtime logged (every node's log, warn and error goes through this spy). */
  const logged = (): string => JSON.stringify(helper.log().args);

  const post = (body: object) => admin().post(ROUTE).send(body).set('Content-Type', 'application/json');

  it('checks a typed key as typed: the emulator\'s key accepted, another rejected with 401', async () => {
    const good = await post({ id: 'new-node', endpoint: api.emulator.apiUrl, accessKey: ACCESS_KEY });
    assert.equal(good.status, 200);
    assert.equal(good.body.outcome, 'accepted', good.body.cause);
    const bad = await post({ id: 'new-node', endpoint: api.emulator.apiUrl, accessKey: OTHER });
    assert.deepEqual([bad.body.outcome, bad.body.status, bad.body.key], ['rejected', 401, '…0000']);
    assert.ok(!JSON.stringify([good.body, bad.body]).includes(ACCESS_KEY) && !JSON.stringify(bad.body).includes(OTHER));
  });

  it('uses the stored credential by node id when the dialog holds only the placeholder or sends no key', async () => {
    for (const accessKey of ['__PWRD__', undefined, '__PWRD__']) {
      const res = await post({ id: 'acc', endpoint: api.emulator.apiUrl, accessKey });
      assert.equal(res.body.outcome, 'accepted', `${accessKey}: ${res.body.cause}`);
    }
    const checks = api.emulator.requests().filter((r) => r.method === 'GET' && r.path === '/api/events');
    assert.deepEqual(checks.map((r) => [r.status, r.events]), [[400, 0], [400, 0], [400, 0]], 'three checks, none with events');
    assert.ok(helper.log().called, 'the runtime logged something');
    assert.ok(!logged().includes(ACCESS_KEY), 'the key is never logged');
  });

  it('resolves an ${ENV} endpoint as the runtime does, and names a variable that is not set', async () => {
    process.env.IS_VERIFY_TEST_ENDPOINT = api.emulator.apiUrl;
    try {
      const res = await post({ id: 'acc', endpoint: '${IS_VERIFY_TEST_ENDPOINT}' });
      assert.equal(res.body.outcome, 'accepted', res.body.cause);
    } finally {
      delete process.env.IS_VERIFY_TEST_ENDPOINT;
    }
    const unset = await post({ id: 'acc', endpoint: '${IS_VERIFY_TEST_ENDPOINT}' });
    assert.equal(unset.status, 400);
    assert.match(unset.body.error, /the environment variable IS_VERIFY_TEST_ENDPOINT is not set/);
  });

  it('answers 400 naming the field for an emptied key, a node without a stored key, a bad endpoint or a missing one', async () => {
    const emptied = await post({ id: 'acc', endpoint: api.emulator.apiUrl, accessKey: '' });
    assert.deepEqual([emptied.status, emptied.body.error], [400, 'accessKey: the Access key field is empty: type the key']);
    const noKey = await post({ id: 'never-deployed', endpoint: api.emulator.apiUrl, accessKey: '__PWRD__' });
    assert.deepEqual([noKey.status, noKey.body.error], [400, 'accessKey: this account has no stored key yet: type the key, then press Verify key']);
    const badEndpoint = await post({ id: 'acc', endpoint: 'localhost:8888' });
    assert.equal(badEndpoint.status, 400);
    assert.match(badEndpoint.body.error, /endpoint must be an http:\/\/ or https:\/\/ URL \(got "localhost:8888"\)/);
    const missing = await post({ id: 'acc' });
    assert.deepEqual([missing.status, missing.body.error], [400, 'endpoint must be a string (got undefined)']);
  });

  it('an endpoint nobody answers on is unreachable, with the cause', async () => {
    const url = api.emulator.apiUrl;
    await api.emulator.close();
    const res = await post({ id: 'acc', endpoint: url });
    assert.equal(res.body.outcome, 'unreachable');
    assert.match(res.body.cause, /^ECONNREFUSED 127\.0\.0\.1:\d+$/);
  });
});
