import type { NodeStatus } from 'node-red';
import { causeCode } from '../../src/engine/outage-log';
import type { AccountView } from './account-node';

/** Events a node (or an account) has waiting and has delivered. */
interface StatusCounts {
  queued: number;
  delivered: number;
}

/** Short status texts of the states that stop sending (Node-RED shows about 20 characters). */
export const STOPPED: Partial<Record<AccountView['state'], string>> = {
  'key-rejected': 'key rejected',
  'quota-exceeded': 'quota used up',
  'spool-unreadable': 'spool unreadable',
};

/**
 * The status a node shows for the account's state plus its own counts: green while sending,
 * yellow while waiting (rate limit, retry) or past 80 % of the monthly quota, red when sending
 * stopped or the monthly quota is used up, `{}` when there is nothing to say. While retrying it
 * names the cause in short (`ECONNREFUSED, 5 q`, yellow); while other clients share the key
 * (no Redis) while it sends, `shared key, 5 q`; while Redis is configured but unreachable, `Redis unreachable,
 * limiting locally` (yellow).
 */
export function deliveryStatus(account: AccountView, counts: StatusCounts): NodeStatus {
  if (account.configError) return { fill: 'red', shape: 'ring', text: 'invalid account' };
  const stopped = STOPPED[account.state];
  if (stopped) return { fill: 'red', shape: 'ring', text: counts.queued ? `${stopped}, ${counts.queued} q` : stopped };
  // Redis configured but unreachable: the account still sends, paced by its own limiter.
  if (account.sharing === 'redis-down') return { fill: 'yellow', shape: 'ring', text: 'Redis unreachable, limiting locally' };
  switch (account.state) {
    case 'retrying':
      return { fill: 'yellow', shape: 'ring', text: `${account.outage ? causeCode(account.outage).slice(0, 14) : 'retrying'}, ${counts.queued} q` };
    case 'rate-limited':
      return { fill: 'yellow', shape: 'ring', text: `rate-limited, ${counts.queued} q` };
    case 'closed':
      return { fill: 'grey', shape: 'ring', text: 'closed' };
    default:
      if (account.quotaLevel) {
        // The service keeps taking events until it answers 402; the colour warns before that.
        return { fill: account.quotaLevel === 100 ? 'red' : 'yellow', shape: 'dot', text: `quota ${account.quotaLevel}%, ${counts.delivered} sent` };
      }
      if (!counts.queued && !counts.delivered) return {};
      if (counts.queued && account.sharing === 'shared') return { fill: 'green', shape: 'ring', text: `shared key, ${counts.queued} q` };
      return {
        fill: 'green',
        shape: counts.queued ? 'ring' : 'dot',
        text: counts.queued ? `${counts.queued} queued, ${counts.delivered} sent` : `${counts.delivered} sent`,
      };
  }
}
