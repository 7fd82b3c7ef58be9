/** Each curl command of Initial State's docs, against the emulator, gets the documented status. */
import assert from 'node:assert/strict';
import { startFixture, type Fixture } from '../src/emulator/fixture';
import { HAVE_CURL, parseCurl, runCurl, shellWords } from './curl-command';
import { ARTICLE_ORIGIN, BLUEPRINT_ORIGIN, DOCS_COMMANDS, type DocsCommand } from './docs-curl-commands';

const how = HAVE_CURL ? 'run with curl' : "no curl binary here: curl's request sent from Node";

describe(`clients: the curl commands of Initial State's docs (${how})`, () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await startFixture();
  });
  afterEach(() => f.close());

  const run = (doc: DocsCommand, binary?: boolean): Promise<number> =>
    runCurl(parseCurl(doc.command), doc.source === 'article' ? ARTICLE_ORIGIN : BLUEPRINT_ORIGIN, f.emulator.url, binary);

  for (const doc of DOCS_COMMANDS) {
    it(`${doc.source}: ${doc.title} -> ${doc.status}${doc.again ? `, again ${doc.again}` : ''}`, async () => {
      assert.equal(await run(doc), doc.status);
      if (doc.again !== undefined) assert.equal(await run(doc), doc.again);
      assert.equal(f.emulator.requests().length, doc.again === undefined ? 1 : 2, 'each run reached the emulator once');
    });
  }

  it('what the article\'s commands store: the bucket with its name, 25.4 as text by JSON, as a number by URL', async () => {
    for (const doc of DOCS_COMMANDS.filter((d) => d.source === 'article')) await run(doc);
    assert.deepEqual(f.emulator.buckets().map((b) => [b.bucketKey, b.bucketName]), [['curl_example_bucket', 'cURL Example Bucket']]);
    const events = f.emulator.events({ bucketKey: 'curl_example_bucket' });
    // The article's 2015 timestamp is now over 10 years old: the service stamps such an event itself.
    const clock = new Date(f.clock.now);
    clock.setUTCFullYear(clock.getUTCFullYear() - 10);
    const isoTooOld = Date.parse('2015-10-08T07:54+06:00') <= clock.getTime();
    assert.deepEqual(events.map((e) => [e.key, e.value, e.serverStamped]), [
      ['temperature', '25.4', isoTooOld],
      ['temperature', 25.4, true],
      ['temperature', 25.4, true],
    ]);
  });

  it('curl\'s requests sent from Node (the path without a curl binary) get the same statuses', async () => {
    for (const doc of DOCS_COMMANDS) {
      f.emulator.reset();
      assert.equal(await run(doc, false), doc.status, doc.title);
      if (doc.again !== undefined) assert.equal(await run(doc, false), doc.again, doc.title);
    }
  });

  it('parses the docs\' shell quoting: continuations, \\" inside "…", \'…\' verbatim', () => {
    assert.deepEqual(shellWords(`curl --header "A: \\"b\\"" \\\n 'c d' e\\ f`), ['curl', '--header', 'A: "b"', 'c d', 'e f']);
    const bucket = parseCurl(DOCS_COMMANDS[0]!.command);
    assert.deepEqual(JSON.parse(bucket.data!), { bucketKey: 'curl_example_bucket', bucketName: 'cURL Example Bucket' });
    assert.deepEqual(bucket.headers.map(([name]) => name), ['Content-Type', 'X-IS-AccessKey', 'Accept-Version']);
    assert.throws(() => parseCurl(`curl --form a=b 'x'`), /--form is not one the docs use/);
  });
});
