import * as path from 'node:path';
import type { AccountOptions } from '../../src/engine/types';
import type { AccountCredentials, AccountNodeDef } from './account-node';

/** Folder under the Node-RED user directory that holds spool and quota files. */
const SPOOL_FOLDER = 'initialstate';

/**
 * Numbers typed into the editor may be saved as strings: turn numeric strings into numbers and
 * leave everything else alone, so the engine's validation quotes what the user typed.
 */
function numeric(value: unknown): unknown {
  return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
}

/** `${NAME}` or the older `$(NAME)`: a whole property Node-RED replaces by an environment variable. */
const ENV_PROPERTY = /^\$(?:\{(\S+)\}|\((\S+)\))$/;

/**
 * Node-RED leaves `${NAME}` as it is when no environment (flow, group, global or process) sets
 * NAME, and never replaces one inside a longer text: say so instead of calling it a bad URL.
 *
 * @throws naming the setting, the variable and what to do.
 */
function checkEndpointReference(endpoint: unknown): void {
  if (typeof endpoint !== 'string') return;
  const whole = ENV_PROPERTY.exec(endpoint.trim());
  if (whole) {
    throw new Error(`endpoint ${endpoint}: the environment variable ${whole[1] ?? whole[2]} is not set in Node-RED's environment; set it, or enter the API address (such as https://groker.init.st/api)`);
  }
  const inside = /\$\{[^}]*\}/.exec(endpoint);
  if (inside) {
    throw new Error(`endpoint ${JSON.stringify(endpoint)}: Node-RED only replaces an environment variable that is the whole setting, not ${inside[0]} inside it; put the whole API address in the variable`);
  }
}

/**
 * The engine options an account config node asks for. Values are as the user typed them (the
 * type says what they should be): the engine validates them and names any bad one.
 * The monthly count is kept in `<userDir>/initialstate/<node id>.quota.json`; with
 * `persist: 'file'` the spool file is `<node id>.spool` beside it.
 *
 * @throws when `persist` is `'file'` and Node-RED has no user directory, or when the endpoint is
 *   an environment variable no environment sets (`${INITIALSTATE_ENDPOINT}` left as typed).
 */
export function accountInput(
  config: AccountNodeDef,
  credentials: AccountCredentials | undefined,
  userDir: string | undefined,
): Partial<AccountOptions> & { accessKey: string } {
  const input: Record<string, unknown> = {
    endpoint: config.endpoint,
    tier: config.tier === 'custom' ? numeric(config.rateLimit) : config.tier,
    batchSize: numeric(config.batchSize),
    flushInterval: numeric(config.flushInterval),
    maxQueue: numeric(config.maxQueue),
    overflow: config.overflow,
    persist: config.persist,
    autoCreate: config.autoCreate === undefined ? undefined : config.autoCreate === true || config.autoCreate === 'true',
    monthlyQuota: numeric(config.monthlyQuota),
    transport: config.transport,
    closeTimeout: numeric(config.closeTimeout),
    requestTimeout: numeric(config.requestTimeout),
    quotaProbeInterval: numeric(config.quotaProbeInterval),
    backoffBase: numeric(config.backoffBase),
    backoffCap: numeric(config.backoffCap),
    windowMs: numeric(config.windowMs),
    memoryWindow: numeric(config.memoryWindow),
  };
  checkEndpointReference(config.endpoint);
  if (config.persist === 'file' && !userDir) throw new Error("persist 'file' needs Node-RED's settings.userDir, which is not set");
  if (userDir) {
    const dir = path.join(userDir, SPOOL_FOLDER);
    // The month's count survives restarts whether or not the queue does.
    input.quotaFile = path.join(dir, `${config.id}.quota.json`);
    if (config.persist === 'file') input.spoolFile = path.join(dir, `${config.id}.spool`);
  }
  // Options the editor left empty fall back to the engine's defaults.
  for (const [name, value] of Object.entries(input)) if (value === undefined || value === '') delete input[name];
  return { accessKey: credentials?.accessKey ?? '', ...(input as Partial<AccountOptions>) };
}
