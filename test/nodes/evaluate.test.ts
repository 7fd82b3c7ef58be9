import * as assert from 'node:assert/strict';
import type { Node, NodeAPI, NodeMessage } from 'node-red';
import * as sinon from 'sinon';
import { evaluateOr, prepareOptional, prepareProperty, type Property } from '../../nodes/lib/evaluate';
import { NODE_RED_PATH } from '../support/node-red-path';

// Node-RED's own util, as RED.util is at run time.
const { util } = require(require.resolve('@node-red/util', { paths: [NODE_RED_PATH] })) as { util: NodeAPI['util'] };
const RED = { util } as unknown as NodeAPI;
const node = { id: 'n1', type: 'initialstate-stream', context: () => ({}) } as unknown as Node;

function fetched(property: Property, msg: NodeMessage): Promise<unknown> {
  return new Promise((resolve, reject) => property.fetch(msg, (err, value) => (err ? reject(err) : resolve(value))));
}

describe('nodes/lib/evaluate: properties prepared once per node', () => {
  afterEach(() => sinon.restore());

  it('reads msg paths: a plain name, msg.-prefixed, nested and bracketed, as Node-RED does', () => {
    const msg = { topic: 't', payload: { room: { temp: 21 }, 'a b': [5] } } as unknown as NodeMessage;
    for (const [path, expected] of [['topic', 't'], ['msg.topic', 't'], ['payload.room.temp', 21], ['payload["a b"][0]', 5], ['payload.none', undefined]] as const) {
      const property = prepareProperty(RED, node, path, 'msg');
      assert.equal(property.sync, true);
      assert.equal(property.get(msg), expected, path);
      assert.deepEqual(property.get(msg), util.getMessageProperty(msg, path), `${path} as Node-RED reads it`);
    }
  });

  it('parses a msg path once, however many messages it reads', () => {
    const parse = sinon.spy(util, 'normalisePropertyExpression');
    const property = prepareProperty(RED, node, 'payload.room.temp', 'msg');
    for (let i = 0; i < 5; i++) property.get({ payload: { room: { temp: i } } } as unknown as NodeMessage);
    assert.equal(parse.callCount, 1);
  });

  it('names the path when a part before the end is missing, and a nested msg reference still works', async () => {
    const property = prepareProperty(RED, node, 'payload.room.temp', 'msg');
    assert.throws(() => property.get({ payload: {} } as unknown as NodeMessage), /cannot read msg\.payload\.room\.temp: its part before "temp" is undefined/);
    await assert.rejects(fetched(property, { payload: 1 } as unknown as NodeMessage), /cannot read msg\.payload\.room\.temp/);
    const indirect = prepareProperty(RED, node, 'payload[msg.topic]', 'msg');
    assert.equal(indirect.get({ topic: 'k', payload: { k: 7 } } as unknown as NodeMessage), 7);
  });

  it('converts literals once, and reports a bad one for each message that uses it', async () => {
    const evaluate = sinon.spy(util, 'evaluateNodeProperty');
    const number = prepareProperty(RED, node, '42', 'num');
    assert.deepEqual([number.get({} as NodeMessage), number.get({} as NodeMessage)], [42, 42]);
    assert.equal(prepareProperty(RED, node, 'door', 'str').get({} as NodeMessage), 'door');
    assert.equal(evaluate.callCount, 2);
    const json = prepareProperty(RED, node, '{bad', 'json');
    assert.throws(() => json.get({} as NodeMessage));
    await assert.rejects(fetched(json, {} as NodeMessage));
  });

  it('compiles a JSONata expression once and evaluates it by callback', async () => {
    const prepare = sinon.spy(util, 'prepareJSONataExpression');
    const property = prepareProperty(RED, node, '"k_" & topic', 'jsonata');
    assert.equal(property.sync, false);
    assert.throws(() => property.get({} as NodeMessage), /use fetch/);
    for (const topic of ['a', 'b', 'c']) assert.equal(await fetched(property, { topic } as unknown as NodeMessage), `k_${topic}`);
    assert.equal(prepare.callCount, 1);
    await assert.rejects(fetched(prepareProperty(RED, node, '"unclosed', 'jsonata'), {} as NodeMessage));
  });

  it('evaluateOr falls back for a property left empty or evaluating to nothing', async () => {
    assert.equal(prepareOptional(RED, node, '', 'str'), undefined);
    assert.equal(await evaluateOr(undefined, {} as NodeMessage, 'fallback'), 'fallback');
    const key = prepareOptional(RED, node, 'bucketKey', 'msg');
    assert.equal(await evaluateOr(key, {} as NodeMessage, 'fallback'), 'fallback');
    assert.equal(await evaluateOr(key, { bucketKey: '' } as unknown as NodeMessage, 'fallback'), 'fallback');
    assert.equal(await evaluateOr(key, { bucketKey: 'b' } as unknown as NodeMessage, 'fallback'), 'b');
  });
});
