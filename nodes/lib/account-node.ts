import type { Node, NodeDef } from 'node-red';
import type { AccountEngine } from '../../src/engine';
import type { Sharing } from '../../src/engine/limiter';
import type { AccountState } from '../../src/engine/types';

/** The account config node's settings as the editor saves them (numbers may arrive as strings). */
export interface AccountNodeDef extends NodeDef {
  /** API base URL. Default `https://groker.init.st/api`. */
  endpoint: string;
  /** Bucket key used when a flow node and the message give none. Default `''`. */
  bucketKey: string;
  /** Bucket name used with {@link bucketKey}. Default `''`. */
  bucketName: string;
  /** `student`, `individual`, `enterprise` or `custom`. Default `individual`. */
  tier: string;
  /** Requests per 10 s when `tier` is `custom`. Default 30. */
  rateLimit: number | string;
  /** Events per request, 1-10. Default 10. */
  batchSize: number | string;
  /** Milliseconds a partial batch waits. Default 1000. */
  flushInterval: number | string;
  /** Events the queue holds at most. Default 100 000. */
  maxQueue: number | string;
  /** `drop-oldest` or `refuse-newest`. Default `drop-oldest`. */
  overflow: string;
  /** `off` or `file`. Default `off`. */
  persist: string;
  /** Create buckets before their first events. Default true. */
  autoCreate: boolean | string;
  /** Events a month, 0 = unlimited. Default 3 000 000. */
  monthlyQuota: number | string;
  /** `json` or `url`. Default `json`. */
  transport: string;
  /** Milliseconds close drains. Default 5000. */
  closeTimeout: number | string;
  /** Hidden setting (flow JSON only, for tests and odd networks): ms one request may take. Default 10 000. */
  requestTimeout?: number | string;
  /** Hidden setting: ms between probes while the monthly quota is used up. Default 300 000. */
  quotaProbeInterval?: number | string;
  /** Hidden setting: first back-off step in ms. Default 1000. */
  backoffBase?: number | string;
  /** Hidden setting: longest back-off in ms. Default 60 000. */
  backoffCap?: number | string;
  /** `local` (this process alone) or `redis` (the key's window shared through Redis, see docs/multi-instance.md). Default `local`. */
  rateShare?: string;
  /** With `rateShare` `redis`: prefix of the keys in Redis. Default `''` (prefix `initialstate`). */
  redisPrefix?: string;
  /** Hidden setting: the service's rate-limit window in ms (only an emulator changes it). Default 10 000. */
  windowMs?: number | string;
  /** Hidden setting: with persist `file`, queued events held in memory at most (the rest wait in the spool). Default 10 000. */
  memoryWindow?: number | string;
}

/** The account node's credentials. */
export interface AccountCredentials {
  /** The `ist_…` access key. */
  accessKey?: string;
  /** With `rateShare` `redis`: `redis://` or `rediss://` URL, user and password allowed. */
  redisUrl?: string;
}

/** The account as its users show it. */
export interface AccountView {
  /** Why the account has no engine (invalid options); unset when it is fine. */
  configError?: string;
  /** The engine's state (`closed` when there is no engine). */
  state: AccountState;
  /** Share of the monthly quota delivered this month: 0, 80 (at least 80 %) or 100. Default 0. */
  quotaLevel?: 0 | 80 | 100;
  /** How the key's rate limit is shared (see the engine's `Sharing`). Default 'alone'. */
  sharing?: Sharing;
  /** The cause of the failures since the last success (e.g. `ECONNREFUSED 127.0.0.1:8890`); unset when there is none. */
  outage?: string;
}

/** A flow node that uses an account: it is told when the account's state changes. */
export interface AccountUser extends Node {
  /** Called on every change of the account's state (the user throttles its own status). */
  accountChanged(): void;
}

/**
 * The `initialstate-account` config node as its users see it. It keeps a `users` map, as the
 * core MQTT broker node does, so its status and errors reach every user's Status and Catch nodes.
 */
export interface AccountNode extends Node<AccountCredentials> {
  /** One engine per config node; unset when the options are invalid (see {@link AccountView.configError}). */
  readonly engine?: AccountEngine;
  /** Default bucket key (`''` when none). */
  readonly bucketKey: string;
  /** Default bucket name (`''` when none). */
  readonly bucketName: string;
  /** Flow nodes using this account, by id. */
  readonly users: Record<string, AccountUser>;
  /** Adds a user and shows it the account's current state. */
  register(user: AccountUser): void;
  /** Removes a user (on its close). */
  deregister(user: AccountUser): void;
  /** The account's state and configuration error. */
  view(): AccountView;
}
