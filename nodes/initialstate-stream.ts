/**
 * `initialstate-stream`: turns `msg.payload` into events and streams them into a bucket through
 * the account's shared engine. The message is done when the API has accepted every event.
 */
import type { Node, NodeAPI, NodeMessageInFlow } from 'node-red';
import { describeFailed, type AccountEngine } from '../src/engine';
import type { DeliveryResult } from '../src/engine/types';
import type { GateStep } from '../src/filter';
import { describeProblem, describeProblems, describeWarnings, mapPayload, mapSingleValue, validateBucketKey } from '../src/mapping';
import type { MapOptions, MapResult } from '../src/mapping/types';
import { FALLBACK_KEY, STREAM_DEFAULTS, withDefaults } from './lib/defaults';
import { isBlank, prepareOptional, prepareProperty } from './lib/evaluate';
import { NodeError, nodeError } from './lib/node-error';
import { deliveryStatus } from './lib/status';
import { streamFilters, type StreamFilterDef } from './lib/stream-filters';
import type { StreamOutcome } from './lib/stream-outcome';
import type { AccountNode } from './lib/account-node';
import { joinAccount, type AccountUserDef } from './lib/user';

/** The input handler's `send` and `done`. */
type Send = (msg: NodeMessageInFlow) => void;
type Done = (err?: Error) => void;

/** The stream node's settings; each missing one takes its editor default ({@link STREAM_DEFAULTS}). */
interface StreamNodeDef extends AccountUserDef, StreamFilterDef {
  /** Stream key for a plain value payload. Default `topic` (type `msg`); blank: the node's name, else `value`. */
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
  /** `skip`: leave `null`/`undefined` values out, counted in `msg.initialstate.skipped`; `error`: report them. Default `skip`. */
  nullValues: 'skip' | 'error';
}

export = function (RED: NodeAPI): void {
  function InitialStateStreamNode(this: Node, saved: StreamNodeDef): void {
    RED.nodes.createNode(this, saved);
    const config = withDefaults(STREAM_DEFAULTS, saved);
    const node = this;
    const counts = { queued: 0, delivered: 0 };
    // Per-stream filters (quota): a bad setting fails every message with the reason.
    let filters: ReturnType<typeof streamFilters> | undefined;
    let filtersError: string | undefined;
    const link = joinAccount(RED, node, config, (view) => (filters ? filters.status(deliveryStatus(view, counts)) : deliveryStatus(view, counts)));
    try {
      filters = streamFilters(node, config, (RED.nodes.getNode(config.account) as AccountNode | null) ?? undefined, counts, () => link.refresh());
    } catch (err) {
      filtersError = `filters: ${(err as Error).message}`;
      node.error(filtersError);
    }
    const outputs = Number(config.outputs) > 0;
    // Everything a message does not change is worked out here, once.
    const keyProperty = prepareProperty(RED, node, config.key, config.keyType);
    const bucketProperty = prepareOptional(RED, node, config.bucketKey, config.bucketKeyType);
    const sync = keyProperty.sync && (!bucketProperty || bucketProperty.sync);
    const defaultKey = config.name || FALLBACK_KEY;
    let warnedDefaultKey = false;
    // Messages mostly go to one bucket: its key is checked once, not per message.
    let validBucketKey: string | undefined;
    // mapPayload keeps no reference to its options: one object serves every message.
    const options: MapOptions = {
      key: undefined,
      keyPrefix: config.keyPrefix,
      separator: config.separator || undefined,
      timestamp: config.timestamp || undefined,
      arrivalMs: 0,
      msgTimestamp: undefined,
      defaultKey,
      nullValues: config.nullValues,
    };

    /** The outcome a message carries on in `msg.initialstate`. */
    function outcome(bucketKey: string, mapped: MapResult, gated: GateStep, result: DeliveryResult | undefined): StreamOutcome {
      return {
        bucketKey,
        events: result?.delivered ?? 0,
        skipped: mapped.skipped,
        suppressed: gated.suppressed,
        held: gated.held + gated.waiting,
        conflated: gated.conflated,
        status: result?.status ?? 0,
        attempts: result?.attempts ?? 0,
        latencyMs: result?.latencyMs ?? 0,
      };
    }

    /** Sends the message on (when the output is on) and finishes it with the events' outcome. */
    function finish(msg: NodeMessageInFlow, bucketKey: string, mapped: MapResult, gated: GateStep, result: DeliveryResult | undefined, send: Send, done: Done): void {
      const filtered = gated.suppressed + gated.held + gated.waiting + gated.conflated;
      if (outputs && (result ? result.delivered > 0 : mapped.skipped > 0 || filtered > 0)) {
        msg.initialstate = outcome(bucketKey, mapped, gated, result);
        send(msg);
      }
      const failed = result?.failed.length ?? 0;
      if (!mapped.problems.length && !failed) return done();
      const errors = [mapped.problems.length ? describeProblems(mapped.problems) : '', failed ? describeFailed(result!.failed) : ''].filter(Boolean);
      done(new NodeError(errors.join('; ')));
    }

    /** Maps and validates the payload, then queues its valid events; `done` runs once they settle. */
    function submit(msg: NodeMessageInFlow, engine: AccountEngine, bucketKey: unknown, key: unknown, arrivalMs: number, send: Send, done: Done): void {
      if (bucketKey !== validBucketKey) {
        const bucketProblem = validateBucketKey(bucketKey);
        if (bucketProblem) return done(new NodeError(`no events sent: ${describeProblem(bucketProblem)}`));
        validBucketKey = bucketKey as string;
      }
      options.key = key;
      options.arrivalMs = arrivalMs;
      options.msgTimestamp = msg.timestamp;
      // The usual message, one plain value and no output, builds no mapping result.
      const single = outputs ? undefined : mapSingleValue(msg.payload, options);
      if (single) {
        if (single.key !== key) warnDefaultKey();
        const events = filters?.active() ? filters.offer(bucketKey as string, [single]).send : [single];
        if (!events.length) {
          link.refresh();
          return done();
        }
        counts.queued += events.length;
        link.refresh();
        return engine.submit(bucketKey as string, events, settlePlain, done);
      }
      const mapped = mapPayload(msg.payload, options);
      if (mapped.usedDefaultKey) warnDefaultKey();
      if (mapped.warnings.length) node.warn(describeWarnings(mapped.warnings));
      if (mapped.events.length === 0 && mapped.problems.length) return done(new NodeError(describeProblems(mapped.problems)));
      const gated = filters?.active() ? filters.offer(bucketKey as string, mapped.events) : { send: mapped.events, suppressed: 0, held: 0, waiting: 0, conflated: 0 };
      const n = gated.send.length;
      if (n === 0) {
        // Filtered out or held (not an error): the message is done now.
        if (gated.suppressed + gated.held + gated.waiting) link.refresh();
        return finish(msg, bucketKey as string, mapped, gated, undefined, send, done);
      }
      counts.queued += n;
      link.refresh();
      // The callback waits in the queue with its events: the usual message keeps only `done`.
      if (!outputs && !mapped.problems.length && !mapped.skipped) return engine.submit(bucketKey as string, gated.send, settlePlain, done);
      engine.submit(bucketKey as string, gated.send, settleFull(msg, mapped, gated, send, done));
    }

    /** Says once per node that values without a key go under {@link defaultKey}. */
    function warnDefaultKey(): void {
      if (warnedDefaultKey) return;
      warnedDefaultKey = true;
      node.warn(`no msg.topic and no Key: values without a key are sent as "${defaultKey}"; set msg.topic or the node's Key to name them`);
    }

    /**
     * Settles a message with no output, no problem and nothing skipped: it needs only `done`, the
     * submit's token, so one function serves every such message and none keeps a closure.
     */
    function settlePlain(result: DeliveryResult, done: Done): void {
      counts.queued -= result.delivered + result.failed.length + (result.spooled ?? 0);
      counts.delivered += result.delivered;
      link.refresh();
      if (!result.failed.length) return done();
      try {
        done(new NodeError(describeFailed(result.failed)));
      } catch (err) {
        // Runs inside the engine's answer handling: never let a flow's fault escape into it.
        node.error(err);
      }
    }

    /** What settles any other message: its output, its problems and its skipped values. */
    function settleFull(msg: NodeMessageInFlow, mapped: MapResult, gated: GateStep, send: Send, done: Done): (result: DeliveryResult) => void {
      const n = gated.send.length;
      return (result) => {
        counts.queued -= n;
        counts.delivered += result.delivered;
        link.refresh();
        try {
          finish(msg, result.bucketKey, mapped, gated, result, send, done);
        } catch (err) {
          node.error(err, msg);
        }
      };
    }

    /** The bucket: `msg.bucketKey`, else the node's, else the account's. */
    function bucketFor(msg: NodeMessageInFlow, fromNode: unknown, accountBucket: string): unknown {
      if (!isBlank(msg.bucketKey)) return msg.bucketKey;
      return isBlank(fromNode) ? accountBucket : fromNode;
    }

    /** For a key or bucket from JSONata or a context store: both are fetched by callback. */
    function submitLater(msg: NodeMessageInFlow, engine: AccountEngine, accountBucket: string, arrivalMs: number, send: Send, done: Done): void {
      const fail = (err: unknown): void => done(nodeError(err));
      const withBucket = (fromNode: unknown): void =>
        keyProperty.fetch(msg, (keyErr, key) => {
          if (keyErr) return fail(keyErr);
          try {
            submit(msg, engine, bucketFor(msg, fromNode, accountBucket), key, arrivalMs, send, done);
          } catch (err) {
            fail(err);
          }
        });
      if (!bucketProperty || !isBlank(msg.bucketKey)) return withBucket(undefined);
      bucketProperty.fetch(msg, (err, fromNode) => (err ? fail(err) : withBucket(fromNode)));
    }

    node.on('input', (msg, send, done) => {
      const arrivalMs = Date.now();
      try {
        if (filtersError) return done(new NodeError(filtersError));
        const { account, engine } = link.engine();
        if (!sync) return submitLater(msg, engine, account.bucketKey, arrivalMs, send, done);
        // msg, str and env properties: no callback, no closure, nothing prepared per message.
        const fromNode = bucketProperty && isBlank(msg.bucketKey) ? bucketProperty.get(msg) : undefined;
        submit(msg, engine, bucketFor(msg, fromNode, account.bucketKey), keyProperty.get(msg), arrivalMs, send, done);
      } catch (err) {
        done(nodeError(err));
      }
    });
  }

  RED.nodes.registerType('initialstate-stream', InitialStateStreamNode as never);
};
