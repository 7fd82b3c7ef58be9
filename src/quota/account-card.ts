/**
 * What the editor's Initial State sidebar shows for one account: built from the engine's counters
 * and the month's forecast, published by the account node over Node-RED's comms on
 * `initialstate/account/<id>`.
 */
import type { MonthForecast } from './forecast';

/** The engine counters a card reads (a structural subset of the engine's `Counters`). */
export interface CardCounters {
  queued: number;
  inFlight: number;
  delivered: number;
  retries: number;
  rateLimited: number;
  dropped: number;
  monthEvents: number;
  state: string;
  /** The rate window as the limiter sees it. */
  window?: { limit: number; used: number; endsAt?: number };
  /** The last failure: its time and short cause (older engines give the text alone). */
  lastError?: { at: number; cause: string } | string;
  /** How the account's rate limit is shared: alone, shared, redis, redis-down. */
  sharing?: string;
}

/** One account's card, as published. */
export interface AccountCard {
  /** The config node's id. */
  id: string;
  /** The config node's name, else its masked key. */
  name: string;
  /** The access key, masked. */
  key: string;
  state: string;
  sharing?: string;
  /** ms since 1970 the card was built. */
  at: number;
  queue: { queued: number; inFlight: number; delivered: number; dropped: number };
  /** The current rate window, and the slots the last ones used (oldest first). */
  window?: { limit: number; used: number; endsAt?: number; recent: number[] };
  quota: {
    used: number;
    quota: number;
    projected: number;
    eventsPerDay: number;
    runsOutDay?: number;
    /** Whether "stay within quota" is set on the account, whether it is widening now, and by what. */
    stayWithin: { enabled: boolean; active: boolean; factor: number };
  };
  http: { rateLimited: number; retries: number };
  lastError?: { at?: number; cause: string };
}

/** Slots used in past windows a card keeps. */
export const RECENT_WINDOWS = 12;

/** Slots used per rate window, from successive looks at the limiter's window. */
export class WindowHistory {
  readonly #recent: number[] = [];
  #current: { endsAt?: number; used: number } | undefined;

  /** Looks at the window now; when a new window began since the last look, the last one's use is kept. */
  look(window: { used: number; endsAt?: number }): number[] {
    const current = this.#current;
    if (current && current.endsAt !== undefined && window.endsAt !== current.endsAt) {
      this.#recent.push(current.used);
      if (this.#recent.length > RECENT_WINDOWS) this.#recent.shift();
    }
    this.#current = { endsAt: window.endsAt, used: window.used };
    return [...this.#recent];
  }
}

/** Inputs of {@link accountCard}. */
export interface CardInput {
  id: string;
  name: string;
  key: string;
  now: number;
  counters: CardCounters;
  forecast: MonthForecast;
  stayWithin: { enabled: boolean; active: boolean; factor: number };
  /** Past windows' slots used (see {@link WindowHistory}). */
  recentWindows?: number[];
}

/** Builds an account's card. */
export function accountCard(input: CardInput): AccountCard {
  const { counters, forecast } = input;
  const card: AccountCard = {
    id: input.id,
    name: input.name || input.key,
    key: input.key,
    state: counters.state,
    at: input.now,
    queue: { queued: counters.queued, inFlight: counters.inFlight, delivered: counters.delivered, dropped: counters.dropped },
    quota: {
      used: counters.monthEvents,
      quota: forecast.quota,
      projected: forecast.projected,
      eventsPerDay: Math.round(forecast.eventsPerDay),
      stayWithin: { ...input.stayWithin },
    },
    http: { rateLimited: counters.rateLimited, retries: counters.retries },
  };
  if (forecast.runsOutDay !== undefined) card.quota.runsOutDay = forecast.runsOutDay;
  if (counters.sharing) card.sharing = counters.sharing;
  if (counters.window) card.window = { ...counters.window, recent: input.recentWindows ?? [] };
  const error = counters.lastError;
  if (error) card.lastError = typeof error === 'string' ? { cause: error } : { at: error.at, cause: error.cause };
  return card;
}
