import assert from 'node:assert/strict';
import { describeProblems, describeWarnings, mapPayload } from '../../../src/mapping';

describe('describeProblems', () => {
  it('names each problem’s key, field, rule and shortened value in one message', () => {
    const { problems } = mapPayload({ temp: NaN, ['x'.repeat(140)]: 1 }, { arrivalMs: 0 });
    assert.equal(
      describeProblems(problems),
      '2 invalid events not sent: "temp": value must be a finite number (got NaN); ' +
        `"${'x'.repeat(37)}…": key must be at most 100 characters (got "${'x'.repeat(45)}…" (140 chars))`,
    );
  });

  it('leaves out the key part when there is no key, and says "event" for one', () => {
    const { problems } = mapPayload(1, { arrivalMs: 0 });
    assert.equal(describeProblems(problems), "1 invalid event not sent: key must be set, by msg.topic or the node's Key, to a string or a finite number (got undefined)");
  });

  it('lists five problems and counts the rest', () => {
    const { problems } = mapPayload(Array(8).fill(null), { arrivalMs: 0, key: 'n', nullValues: 'error' });
    const text = describeProblems(problems);
    assert.match(text, /^8 invalid events not sent: "n_0": .*"n_4": value must be a string, finite number, boolean or Date \(got null\); and 3 more$/);
    assert.doesNotMatch(text, /"n_5"/);
  });

  it('is empty for no problems', () => {
    assert.equal(describeProblems([]), '');
    assert.equal(describeWarnings([]), '');
  });
});

describe('describeWarnings', () => {
  it('says the events were sent and names the old times', () => {
    const { warnings } = mapPayload({ key: 'k', value: 1, epoch: 1 }, { arrivalMs: Date.UTC(2024, 0, 1) });
    assert.equal(
      describeWarnings(warnings),
      '1 event sent with a time the service will replace: "k": epoch must be less than 10 years old (the service replaces older times with its own clock) (got 1)',
    );
  });
});
