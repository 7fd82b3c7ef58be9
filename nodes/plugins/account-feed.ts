/**
 * The account node's quota feed: every second it shows the engine's counters to the account's
 * {@link MonthWatch} (the forecast and the "stay within quota" mode), widens its users' stream
 * intervals while the mode asks, and publishes the sidebar card on `initialstate/account/<id>`.
 */
import type { Node, NodeAPI } from 'node-red';
import { accountCard, MonthWatch, WindowHistory, type CardCounters, type MonthForecast } from '../../src/quota';

/** ms between looks at the engine's counters (the card is published when it changed). */
export const FEED_INTERVAL_MS = 1000;
/** ms between updates of the stay-within-quota factor (the forecast is updated at every look). */
export const UPDATE_INTERVAL_MS = 60_000;

/** A user of the account whose stream intervals the mode may widen (the stream node). */
export interface WidenableUser {
  /** Widens its streams' minimum intervals by `factor` (1 = as configured), unless it sends every value. */
  quotaFactor?(factor: number): void;
}

/** What {@link startAccountFeed} needs of the account node. */
export interface FeedSource {
  node: Node;
  /** The config node's name (may be empty) and its masked access key. */
  name: string;
  key: string;
  /** Events a month allowed; 0 = unlimited. */
  quota: number;
  /** Whether "stay within quota" is on. */
  stayWithinQuota: boolean;
  counters(): CardCounters;
  /** The account's users; those that are {@link WidenableUser}s are widened. */
  users(): Iterable<object>;
  /** Called when the mode starts or stops (to refresh the status). */
  changed(): void;
  /** The clock. Default `Date.now`. */
  now?: () => number;
}

/** The running feed. */
export interface AccountFeed {
  /** The latest forecast (undefined before the first update). */
  forecast(): MonthForecast | undefined;
  /** A few words for the account's status: `within quota ×1.8` while widening, `5.2M/3M a month` over quota; else undefined. */
  statusNote(): string | undefined;
  /** Updates at once (tests, and after a user joins). */
  tick(): void;
  /** Stops the timer and takes the card off the sidebar. */
  close(): void;
}

export function startAccountFeed(RED: NodeAPI, source: FeedSource): AccountFeed {
  const now = source.now ?? Date.now;
  const topic = `initialstate/account/${source.node.id}`;
  const month = new MonthWatch({ quota: source.quota, stayWithinQuota: source.stayWithinQuota, updateIntervalMs: UPDATE_INTERVAL_MS });
  const windows = new WindowHistory();
  let published = '';

  const tick = () => {
    const t = now();
    const counters = source.counters();
    const { forecast, message } = month.look(counters, t);
    if (message) {
      source.node.log(message);
      source.changed();
    }
    const stayWithin = month.stayWithin;
    // Every tick, so users that joined since (a redeploy) get the factor too.
    if (stayWithin.enabled) for (const user of source.users()) (user as WidenableUser).quotaFactor?.(stayWithin.factor);
    const card = accountCard({
      id: source.node.id,
      name: source.name,
      key: source.key,
      now: t,
      counters,
      forecast,
      stayWithin,
      recentWindows: counters.window ? windows.look(counters.window) : undefined,
    });
    const text = JSON.stringify({ ...card, at: 0 });
    if (text !== published) {
      published = text;
      RED.comms.publish(topic, card, true);
    }
  };

  tick();
  const timer = setInterval(tick, FEED_INTERVAL_MS);
  timer.unref();
  return {
    forecast: () => month.forecast,
    statusNote: () => month.statusNote(),
    tick,
    close() {
      clearInterval(timer);
      // Not retained: clears the retained card, and tells open editors to take it off.
      RED.comms.publish(topic, { id: source.node.id, closed: true }, false);
    },
  };
}
