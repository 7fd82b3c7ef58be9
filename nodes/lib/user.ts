import type { Node, NodeAPI, NodeDef, NodeStatus } from 'node-red';
import type { AccountEngine } from '../../src/engine';
import type { AccountNode, AccountUser, AccountView } from './account-node';
import { Throttle } from './throttle';

/** Settings every flow node that uses an account has. */
export interface AccountUserDef extends NodeDef {
  /** Id of the `initialstate-account` config node. Required. */
  account: string;
}

/** What a flow node gets from {@link joinAccount}. */
export interface AccountLink {
  /** The account config node, or `undefined` when none is configured. */
  readonly account: AccountNode | undefined;
  /** The account and its engine; throws a clear error when there is no usable account. */
  engine(): { account: AccountNode; engine: AccountEngine };
  /** Asks for a status update (throttled; ignored after close). */
  refresh(): void;
}

/**
 * Joins a flow node to its account: registers it as a user (deregistered on close), and keeps
 * its status up to date, at most a few times a second, from `status(view)` whenever the node
 * calls `refresh()` or the account's state changes.
 */
export function joinAccount(RED: NodeAPI, node: Node, config: AccountUserDef, status: (view: AccountView) => NodeStatus): AccountLink {
  const account = (RED.nodes.getNode(config.account) as AccountNode | null) ?? undefined;
  let closed = false;
  const throttle = new Throttle(() => node.status(account ? status(account.view()) : { fill: 'red', shape: 'ring', text: 'no account' }));
  const refresh = () => {
    if (!closed) throttle.schedule();
  };
  const user = node as AccountUser;
  user.accountChanged = refresh;
  node.on('close', () => {
    closed = true;
    throttle.cancel();
    account?.deregister(user);
  });
  if (account) account.register(user);
  else refresh();
  return {
    account,
    engine() {
      if (!account) throw new Error('no Initial State account is configured: set "account" on this node');
      if (!account.engine) throw new Error(account.view().configError ?? 'the Initial State account is not available');
      return { account, engine: account.engine };
    },
    refresh,
  };
}
