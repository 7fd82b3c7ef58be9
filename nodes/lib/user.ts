import type { Node, NodeAPI, NodeDef, NodeStatus } from 'node-red';
import type { AccountEngine } from '../../src/engine';
import type { AccountNode, AccountUser, AccountView } from './account-node';
import { Throttle } from './throttle';

/** Account states worth showing even when they last less than a status interval. */
const TROUBLE: ReadonlySet<AccountView['state']> = new Set(['rate-limited', 'retrying', 'key-rejected', 'quota-exceeded']);

/** Settings every flow node that uses an account has. */
export interface AccountUserDef extends NodeDef {
  /** Id of the `initialstate-account` config node. Required. */
  account: string;
}

/** What a flow node gets from {@link joinAccount}. */
export interface AccountLink {
  /** The account and its engine; throws a clear error when there is no usable account. */
  engine(): { account: AccountNode; engine: AccountEngine };
  /** Asks for a status update (throttled; ignored after close). */
  refresh(): void;
}

/**
 * Joins a flow node to its account: registers it as a user (deregistered on close), and keeps
 * its status up to date, at most a few times a second, from `status(view)` whenever the node
 * calls `refresh()` or the account's state changes. A trouble state (rate-limited, retrying, key
 * rejected, quota used up, invalid account) is shown for at least one interval, however briefly
 * it lasted.
 */
export function joinAccount(RED: NodeAPI, node: Node, config: AccountUserDef, status: (view: AccountView) => NodeStatus): AccountLink {
  const account = (RED.nodes.getNode(config.account) as AccountNode | null) ?? undefined;
  let closed = false;
  // A trouble state seen since the last update, shown once even if it passed within the interval.
  let latched: AccountView | undefined;
  const throttle = new Throttle(() => {
    if (!account) return node.status({ fill: 'red', shape: 'ring', text: 'no account' });
    const current = account.view();
    const shown = latched ?? current;
    latched = undefined;
    node.status(status(shown));
    if (shown.state !== current.state || shown.configError !== current.configError) refresh();
  });
  const refresh = () => {
    if (!closed) throttle.schedule();
  };
  const user = node as AccountUser;
  user.accountChanged = () => {
    const view = account?.view();
    if (view && (view.configError || TROUBLE.has(view.state))) latched = view;
    refresh();
  };
  node.on('close', () => {
    closed = true;
    throttle.cancel();
    account?.deregister(user);
  });
  if (account) account.register(user);
  else refresh();
  return {
    engine() {
      if (!account) throw new Error('no Initial State account is configured: set "account" on this node');
      if (!account.engine) throw new Error(account.view().configError ?? 'the Initial State account is not available');
      return { account, engine: account.engine };
    },
    refresh,
  };
}
