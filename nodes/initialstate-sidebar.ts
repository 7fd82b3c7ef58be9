/**
 * `initialstate-sidebar`: a Node-RED plugin whose editor part (`initialstate-sidebar.html`) adds
 * the "Initial State" sidebar tab: one card per account, live from what each account node
 * publishes on `initialstate/account/<id>` (see `plugins/account-feed.ts`).
 */
import type { NodeAPI } from 'node-red';

export = function (RED: NodeAPI): void {
  RED.plugins.registerPlugin('initialstate-sidebar', { type: 'initialstate-sidebar' } as never);
};
