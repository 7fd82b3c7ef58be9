import assert from 'node:assert/strict';
import { accountState, stateReason, type StateFacts } from '../../../src/engine/account-state';

const calm: StateFacts = {
  closed: false,
  spoolUnreadable: false,
  keyRejected: false,
  quotaPaused: false,
  pending: 3,
  retrying: () => false,
  waitingForWindow: false,
};

describe('accountState', () => {
  it('takes the first state that holds, from closed down to sending', () => {
    assert.equal(accountState({ ...calm, closed: true, spoolUnreadable: true, keyRejected: true }), 'closed');
    assert.equal(accountState({ ...calm, spoolUnreadable: true, keyRejected: true }), 'spool-unreadable');
    assert.equal(accountState({ ...calm, keyRejected: true, quotaPaused: true }), 'key-rejected');
    assert.equal(accountState({ ...calm, quotaPaused: true, pending: 0 }), 'quota-exceeded');
    assert.equal(accountState({ ...calm, pending: 0, retrying: () => true, waitingForWindow: true }), 'idle');
    assert.equal(accountState({ ...calm, retrying: () => true, waitingForWindow: true }), 'retrying');
    assert.equal(accountState({ ...calm, waitingForWindow: true }), 'rate-limited');
    assert.equal(accountState(calm), 'sending');
  });

  it('asks whether a bucket is retrying only when events are pending', () => {
    let asked = 0;
    accountState({ ...calm, pending: 0, retrying: () => ++asked > 0 });
    assert.equal(asked, 0);
    accountState({ ...calm, retrying: () => ++asked > 0 });
    assert.equal(asked, 1);
  });

  it('adds the error behind a stop or a pause to the reason', () => {
    assert.equal(stateReason('key-rejected', 'access key rejected', 'HTTP 401'), 'access key rejected: HTTP 401');
    assert.equal(stateReason('quota-exceeded', 'quota', undefined), 'quota: ');
    assert.equal(stateReason('spool-unreadable', 'spool unreadable', 'gone'), 'spool unreadable: gone');
    assert.equal(stateReason('retrying', 'transient (HTTP 503)', 'HTTP 503'), 'transient (HTTP 503)');
  });
});
