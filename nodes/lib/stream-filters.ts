/**
 * The stream node's per-stream filters and "latest value only" (a {@link StreamGate}), wired to
 * the node: events the gate releases later go to the engine without a message (failures are
 * reported by `node.error`), the account's state says whether it is delivering, and the account's
 * "stay within quota" mode widens the intervals unless the node sends every value.
 */
import type { Node, NodeStatus } from 'node-red';
import { describeFailed, type AccountEngine } from '../../src/engine';
import type { IsEvent } from '../../src/event';
import { filterOptions, StreamGate, type GateStep } from '../../src/filter';
import type { AccountNode, AccountUser, AccountView } from './account-node';

/** Account states in which nothing is delivered: "latest value only" keeps the latest per stream. */
const NOT_DELIVERING: ReadonlySet<AccountView['state']> = new Set(['quota-exceeded', 'key-rejected', 'spool-unreadable']);

/** The stream node's filter settings as the editor saves them (see `src/filter/options.ts`). */
export interface StreamFilterDef {
  onChange: boolean | string;
  deadband: number | string;
  deadbandMode: string;
  minInterval: number | string;
  aggregate: string;
  heartbeat: number | string;
  /** Keep only each stream's latest value while the account is not delivering. Default false. */
  latestOnly: boolean | string;
  /** Never widened by the account's "stay within quota" mode. Default false. */
  sendEvery: boolean | string;
}

/** Events a node has waiting and has delivered (its status counts). */
interface Counts {
  queued: number;
  delivered: number;
}

/** What the stream node uses. */
export interface StreamFilters {
  /** Whether messages need to pass {@link offer}: a filter is set, the node may be widened, or it keeps latest values. */
  active(): boolean;
  /** Passes one message's events through the filters. */
  offer(bucketKey: string, events: readonly IsEvent[]): GateStep;
  /** `status` with the count of values filtered out. */
  status(status: NodeStatus): NodeStatus;
}

const isOn = (value: unknown): boolean => value === true || value === 'true';

/**
 * Sets up the node's filters. Call after `joinAccount` (it wraps the user's `accountChanged`).
 *
 * @throws RangeError naming the bad filter setting
 */
export function streamFilters(node: Node, config: StreamFilterDef, account: AccountNode | undefined, counts: Counts, refresh: () => void): StreamFilters {
  const release = (bucketKey: string, events: IsEvent[]): void => {
    const engine: AccountEngine | undefined = account?.engine;
    if (!engine) return node.error(`${events.length} filtered values for bucket "${bucketKey}" not sent: the Initial State account is not available`);
    counts.queued += events.length;
    refresh();
    engine.submit(bucketKey, events, (result) => {
      counts.queued -= events.length;
      counts.delivered += result.delivered;
      refresh();
      if (result.failed.length) node.error(describeFailed(result.failed));
    });
  };
  const latestOnly = isOn(config.latestOnly);
  const gate = new StreamGate({ filter: filterOptions(config), latestOnly, release });
  const user = node as AccountUser & { quotaFactor?(factor: number): void };
  if (!isOn(config.sendEvery)) user.quotaFactor = (factor) => gate.widen(factor);
  const accountChanged = user.accountChanged;
  // An outage (the endpoint unreachable, 5xx) lasts until a request succeeds again, however the
  // state swings between retrying and sending meanwhile; a stopped account delivers nothing either.
  const follow = () => {
    if (!account?.engine) return;
    const view = account.view();
    gate.setDelivering(view.outage === undefined && !NOT_DELIVERING.has(view.state));
  };
  user.accountChanged = () => {
    accountChanged?.call(user);
    follow();
  };
  follow();
  node.on('close', () => gate.close());
  return {
    active: () => latestOnly || gate.filtering,
    offer(bucketKey, events) {
      if (latestOnly) follow();
      return gate.offer(bucketKey, events);
    },
    status(status) {
      const { suppressed, conflated } = gate.totals;
      const filtered = suppressed + conflated;
      if (!filtered) return status;
      return { fill: status.fill ?? 'green', shape: status.shape ?? 'dot', text: status.text ? `${status.text}, ${filtered} filtered` : `${filtered} filtered` };
    },
  };
}
