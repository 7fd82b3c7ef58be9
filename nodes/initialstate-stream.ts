/**
 * `initialstate-stream`: turns `msg.payload` into events and streams them into a bucket through
 * the account's shared engine. The message is done when the API has accepted every event.
 */
import type { Node, NodeAPI, NodeMessageInFlow } from 'node-red';
import { describeFailed, type AccountEngine } from '../src/engine';
import type { DeliveryResult } from '../src/engine/types';
import { describeProblem, describeProblems, describeWarnings, mapPayload, validateBucketKey } from '../src/mapping';
import type { Problem } from '../src/mapping/types';
import { evaluate, evaluateOrElse, isBlank } from './lib/evaluate';
import { deliveryStatus } from './lib/status';
import type { StreamOutcome } from './lib/stream-outcome';
import { joinAccount, type AccountUserDef } from './lib/user';

/** The input handler's `send` and `done`. */
type Send = (msg: NodeMessageInFlow) => void;
type Done = (err?: Error) => void;

/** The stream node's settings. */
interface StreamNodeDef extends AccountUserDef {
  /** Stream key for a plain value payload. Default `topic` (type `msg`). */
  key: string;
  /** TypedInput type of {@link key}: str, msg, flow, global, env, jsonata. Default `msg`. */
  keyType: string;
  /** Bucket key override. Default `''`: the account's (`msg.bucketKey` wins when present). */
  bucketKey: string;
  /** TypedInput type of {@link bucketKey}. Default `str`. */
  bucketKeyType: string;
  /** Prepended to flattened object keys. Default `''`. */
  keyPrefix: string;
  /** Joins flattened key parts. Default `_`. */
  separator: string;
  /** `message` or `server`. Default `message`. */
  timestamp: 'message' | 'server';
  /** 0, or 1 to send the message on after delivery. Default 0. */
  outputs: number | string;
}

/**
 * The editor's defaults (`initialstate-stream.html`), for settings a flow leaves out: flows
 * written by hand or by an older version run as the editor would have saved them.
 */
const STREAM_DEFAULTS = Object.freeze({
  key: 'topic',
  keyType: 'msg',
  bucketKey: '',
  bucketKeyType: 'str',
  keyPrefix: '',
  separator: '_',
  timestamp: 'message',
  outputs: 0,
} as const);

export = function (RED: NodeAPI): void {
  function InitialStateStreamNode(this: Node, saved: StreamNodeDef): void {
    RED.nodes.createNode(this, saved);
    const config: StreamNodeDef = { ...STREAM_DEFAULTS, ...saved };
    const node = this;
    const counts = { queued: 0, delivered: 0 };
    const link = joinAccount(RED, node, config, (view) => deliveryStatus(view, counts));
    const outputs = Number(config.outputs) > 0;
    const separator = config.separator || undefined;
    const timestamp = config.timestamp || undefined;

    /** Sends the message on (when the output is on) and finishes it with the events' outcome. */
    function finish(msg: NodeMessageInFlow, result: DeliveryResult, problems: Problem[], send: Send, done: Done): void {
      if (outputs && result.delivered > 0) {
        const outcome: StreamOutcome = {
          bucketKey: result.bucketKey,
          events: result.delivered,
          status: result.status,
          attempts: result.attempts,
          latencyMs: result.latencyMs,
        };
        msg.initialstate = outcome;
        send(msg);
      }
      if (!problems.length && !result.failed.length) return done();
      const errors = [problems.length ? describeProblems(problems) : '', result.failed.length ? describeFailed(result.failed) : ''].filter(Boolean);
      done(new Error(errors.join('; ')));
    }

    /** Maps and validates the payload, then queues its valid events; `done` runs once they settle. */
    function submit(msg: NodeMessageInFlow, engine: AccountEngine, bucketKey: unknown, key: unknown, arrivalMs: number, send: Send, done: Done): void {
      const bucketProblem = validateBucketKey(bucketKey);
      if (bucketProblem) return done(new Error(`no events sent: ${describeProblem(bucketProblem)}`));
      const mapped = mapPayload(msg.payload, {
        key,
        keyPrefix: config.keyPrefix,
        separator,
        timestamp,
        arrivalMs,
        msgTimestamp: msg.timestamp,
      });
      if (mapped.warnings.length) node.warn(describeWarnings(mapped.warnings));
      if (!mapped.events.length) return done(new Error(describeProblems(mapped.problems) || 'payload: must give at least one event'));
      const n = mapped.events.length;
      counts.queued += n;
      link.refresh();
      engine.submit(bucketKey as string, mapped.events, (result) => {
        counts.queued -= n;
        counts.delivered += result.delivered;
        link.refresh();
        try {
          finish(msg, result, mapped.problems, send, done);
        } catch (err) {
          // Runs inside the engine's answer handling: never let a flow's fault escape into it.
          node.error(err, msg);
        }
      });
    }

    node.on('input', (msg, send, done) => {
      const arrivalMs = Date.now();
      const fail = (err: unknown): void => done(err instanceof Error ? err : new Error(String(err)));
      try {
        const { account, engine } = link.engine();
        // Callbacks, not promises: for msg and str properties this all runs synchronously.
        const withBucket = (err: Error | null, bucketKey?: unknown): void => {
          if (err) return fail(err);
          evaluate(RED, node, config.key, config.keyType, msg, (keyErr, key) => {
            if (keyErr) return fail(keyErr);
            try {
              submit(msg, engine, bucketKey, key, arrivalMs, send, done);
            } catch (submitErr) {
              fail(submitErr);
            }
          });
        };
        if (isBlank(msg.bucketKey)) evaluateOrElse(RED, node, config.bucketKey, config.bucketKeyType, msg, account.bucketKey, withBucket);
        else withBucket(null, msg.bucketKey);
      } catch (err) {
        fail(err);
      }
    });
  }

  RED.nodes.registerType('initialstate-stream', InitialStateStreamNode as never);
};
