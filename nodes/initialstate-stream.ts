/**
 * `initialstate-stream`: turns `msg.payload` into events and streams them into a bucket through
 * the account's shared engine. The message is done when the API has accepted every event.
 */
import type { Node, NodeAPI, NodeMessageInFlow } from 'node-red';
import type { DeliveryResult } from '../src/engine/types';
import { describeProblem, describeProblems, describeWarnings, mapPayload, validateBucketKey } from '../src/mapping';
import type { Problem } from '../src/mapping/types';
import { evaluateOr, evaluateProperty, isBlank } from './lib/evaluate';
import { describeFailed } from './lib/report';
import { deliveryStatus } from './lib/status';
import type { StreamOutcome } from './lib/stream-outcome';
import { joinAccount, type AccountUserDef } from './lib/user';

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

export = function (RED: NodeAPI): void {
  function InitialStateStreamNode(this: Node, config: StreamNodeDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const counts = { queued: 0, delivered: 0 };
    const link = joinAccount(RED, node, config, (view) => deliveryStatus(view, counts));

    /** Maps and submits; resolves when the engine settled the events, with the input's problems. */
    async function deliver(msg: NodeMessageInFlow, arrivalMs: number): Promise<{ result: DeliveryResult; problems: Problem[] }> {
      const { account, engine } = link.engine();
      const bucketKey = isBlank(msg.bucketKey)
        ? await evaluateOr(RED, node, config.bucketKey, config.bucketKeyType, msg, account.bucketKey)
        : msg.bucketKey;
      const bucketProblem = validateBucketKey(bucketKey);
      if (bucketProblem) throw new Error(`no events sent: ${describeProblem(bucketProblem)}`);
      const key = await evaluateProperty(RED, node, config.key, config.keyType, msg);
      const mapped = mapPayload(msg.payload, {
        key,
        keyPrefix: config.keyPrefix,
        separator: config.separator || undefined,
        timestamp: config.timestamp || undefined,
        arrivalMs,
        msgTimestamp: msg.timestamp,
      });
      if (mapped.warnings.length) node.warn(describeWarnings(mapped.warnings));
      if (!mapped.events.length) throw new Error(describeProblems(mapped.problems) || 'payload: must give at least one event');
      const n = mapped.events.length;
      counts.queued += n;
      link.refresh();
      try {
        const result = await new Promise<DeliveryResult>((resolve) => engine.submit(bucketKey as string, mapped.events, resolve));
        counts.delivered += result.delivered;
        return { result, problems: mapped.problems };
      } finally {
        counts.queued -= n;
        link.refresh();
      }
    }

    node.on('input', (msg, send, done) => {
      deliver(msg, Date.now()).then(
        ({ result, problems }) => {
          if (Number(config.outputs) > 0 && result.delivered > 0) {
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
          const errors = [problems.length ? describeProblems(problems) : '', result.failed.length ? describeFailed(result.failed) : ''].filter(Boolean);
          done(errors.length ? new Error(errors.join('; ')) : undefined);
        },
        (err: unknown) => done(err instanceof Error ? err : new Error(String(err))),
      );
    });
  }

  RED.nodes.registerType('initialstate-stream', InitialStateStreamNode as never);
};
