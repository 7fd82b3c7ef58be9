/**
 * `initialstate-account`: the config node that owns one account engine (one shared,
 * rate-limited batcher per access key) and tells its users about the account's state.
 */
import type { NodeAPI } from 'node-red';
import { AccountEngine, DropDigest, describeFailed, maskKey } from '../src/engine';
import { quotaLevel } from '../src/engine/month-counter';
import { describeKeyRejected } from '../src/engine/mask-key';
import { OutageLog } from '../src/engine/outage-log';
import { accountLimiter } from '../src/engine/redis-account';
import type { AccountState, CloseReport, FailedEvent } from '../src/engine/types';
import type { AccountNode, AccountNodeDef, AccountUser, AccountView } from './lib/account-node';
import { accountInput } from './lib/account-options';
import { HandOvers } from './lib/hand-over';
import { deliveryStatus } from './lib/status';
import { Throttle } from './lib/throttle';
import { startAccountFeed, type AccountFeed } from './plugins/account-feed';
import { registerVerifyRoute } from './lib/verify-route';

/** Mutable view of the node while the constructor sets it up. */
type Building = { -readonly [K in keyof AccountNode]: AccountNode[K] };

/** Queues of account nodes closed by a redeploy, for the new configuration of the same id (one per process). */
const handOvers = new HandOvers();
/** The runtimes whose events `handOvers` listens to. */
const watched = new WeakSet<object>();

/** A `runtime-event` as Node-RED emits it. */
interface RuntimeEvent {
  id?: string;
  payload?: { state?: string; deploy?: boolean };
}

export = function (RED: NodeAPI): void {
  registerVerifyRoute(RED);
  if (!watched.has(RED.events)) {
    watched.add(RED.events);
    // A queue no new configuration took by the time the flows run again is not coming back.
    RED.events.on('flows:started', () => handOvers.abandonAll());
    // Flows stopped for good (not for a deploy): nothing will take it.
    RED.events.on('runtime-event', (event: RuntimeEvent) => {
      if (event?.id === 'runtime-state' && event.payload?.state === 'stop' && !event.payload.deploy) handOvers.abandonAll();
    });
  }

  function InitialStateAccountNode(this: Building, config: AccountNodeDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    node.bucketKey = config.bucketKey ?? '';
    node.bucketName = config.bucketName ?? '';
    node.users = {};
    let configError: string | undefined;
    let closing = false;
    let feed: AccountFeed | undefined;

    const refresh = new Throttle(() => {
      const view = node.view();
      const counters = node.engine?.counters();
      const status = deliveryStatus(view, { queued: counters ? counters.queued + counters.inFlight : 0, delivered: counters?.delivered ?? 0 });
      // The quota forecast / stay-within-quota mode, when it has something to say (quota, #16).
      const note = feed?.statusNote();
      node.status(note ? { fill: status.fill ?? 'yellow', shape: status.shape ?? 'dot', text: status.text ? `${status.text}, ${note}` : note } : status);
    });
    const drops = new DropDigest((text) => node.warn(text));
    const outages = new OutageLog((text) => node.warn(text));
    const changed = () => {
      refresh.schedule();
      for (const user of Object.values(node.users)) user.accountChanged();
    };

    node.view = (): AccountView => {
      const engine = node.engine;
      if (!engine) return { configError, state: 'closed' };
      const { monthEvents, sharing } = engine.counters();
      return { state: engine.state, quotaLevel: quotaLevel(monthEvents, engine.options.monthlyQuota), sharing, outage: outages.cause };
    };
    node.register = (user: AccountUser) => {
      node.users[user.id] = user;
      user.accountChanged();
    };
    node.deregister = (user: AccountUser) => {
      delete node.users[user.id];
    };

    try {
      const input = accountInput(config, node.credentials, RED.settings.userDir);
      // rateShare 'redis': the key's window is kept in Redis (the engine owns and closes the limiter).
      const limiter = accountLimiter({ rateShare: config.rateShare, redisUrl: node.credentials?.redisUrl, redisPrefix: config.redisPrefix }, input, {
        log: { info: (text) => node.log(text), warn: (text) => node.warn(text) },
        onSharing: () => {
          if (!closing) changed();
        },
      });
      const engine = new AccountEngine(input, limiter ? { limiter } : {});
      const { options } = engine;
      const key = maskKey(options.accessKey);
      node.engine = engine;
      // What stopped or paused sending, said once (the state's detail would repeat the key and the state).
      const cause = (): string => engine.counters().lastError?.cause ?? '';
      engine.on('state', (state: AccountState) => {
        if (closing) return;
        if (state === 'key-rejected') {
          // With a msg, the error reaches the Catch nodes of every user (a bare error is only logged).
          const text = describeKeyRejected(options.accessKey, cause(), options.endpoint);
          node.error(text, { topic: 'key-rejected', payload: text });
        } else if (state === 'spool-unreadable') {
          const text = `account ${key}: ${cause()}`;
          node.error(text, { topic: 'spool-unreadable', payload: text });
        } else if (state === 'quota-exceeded') {
          node.warn(`monthly event quota used up for access key ${key} (${cause()})`);
        }
        changed();
      });
      engine.on('dropped', (failed: FailedEvent[]) => {
        drops.add(failed);
        if (!closing) changed();
      });
      engine.on('outage', (cause: string | undefined) => {
        const { queued, inFlight } = engine.counters();
        if (cause === undefined) outages.recovered(queued + inFlight);
        else outages.failed(cause, queued + inFlight);
        if (!closing) changed();
      });
      const handed = handOvers.adopt(config.id);
      if (handed && handed.count > 0) {
        node.log(`took over ${handed.count} queued event(s) from the previous configuration`);
        engine.adopt(handed);
      }
      // After the adoption: a queue taken over is not events the streams gave at that moment.
      feed = startAccountFeed(RED, {
        node,
        name: config.name ?? '',
        key,
        quota: options.monthlyQuota,
        stayWithinQuota: [true, 'true'].includes((config as { stayWithinQuota?: unknown }).stayWithinQuota as never),
        counters: () => engine.counters(),
        users: () => Object.values(node.users),
        changed: () => refresh.schedule(),
      });
      engine.on('warning', (message: string) => {
        node.warn(message);
        // The monthly quota's 80 % and 100 % marks come as warnings and change the status colour.
        if (!closing) changed();
      });
      // The engine creates buckets by key alone; name the default bucket before its first events.
      if (options.autoCreate && node.bucketKey && node.bucketName) {
        engine.createBucket(node.bucketKey, node.bucketName).catch((err: Error) => node.warn(err.message));
      }
    } catch (err) {
      configError = `Initial State account "${config.name || config.id}": ${(err as Error).message}`;
      node.error(configError);
    }

    node.on('close', (removed: boolean, done: () => void) => {
      closing = true;
      refresh.cancel();
      feed?.close();
      outages.close();
      if (!node.engine) {
        drops.close();
        done();
        return;
      }
      // Redeployed rather than removed: the new configuration of this id takes the queue.
      node.engine
        .close({ handOver: !removed })
        .then((report: CloseReport) => {
          drops.close();
          if (report.handOver) {
            handOvers.keep(config.id, report.handOver, (failed) => node.warn(`${failed.length} event(s) not delivered: no new configuration took the queue (${describeFailed(failed)})`));
          }
          const handed = report.handedOver ? `, ${report.handedOver} handed over to the new configuration` : '';
          const text = `closed: ${report.delivered} delivered, ${report.spooled} spooled, ${report.undelivered} undelivered${handed}`;
          if (report.undelivered) node.warn(text);
          else node.log(text);
        })
        .catch((err: unknown) => {
          drops.close();
          node.error(`closing failed: ${(err as Error).message}`);
        })
        .finally(done);
    });
  }

  RED.nodes.registerType('initialstate-account', InitialStateAccountNode as never, {
    credentials: { accessKey: { type: 'password' }, redisUrl: { type: 'password' } },
  });
};
