/**
 * The account dialog's "Verify key" button: `POST /initialstate-account/verify` on the admin API
 * (permission `initialstate-account.write`) with `{id, endpoint, accessKey?, bucketKey?}`.
 * A key typed in the dialog is checked as typed; an untouched key (the editor only holds a
 * placeholder, or sends none) is the account's stored credential, looked up by node id, which
 * never goes back to the editor; an emptied field is a 400. An endpoint such as `${INITIALSTATE_ENDPOINT}` is resolved as the runtime
 * resolves it. The answer is a {@link VerifyAnswer}; bad input is a 400 naming the field.
 */
import type { NodeAPI } from 'node-red';
import { verifyKey, type VerifyAnswer } from '../../src/verify/verify-key';
import type { AccountCredentials } from './account-node';

/** The admin route the editor calls. */
export const VERIFY_ROUTE = '/initialstate-account/verify';

/** What the editor shows in a password field whose credential is set but not sent to it. */
const PASSWORD_PLACEHOLDER = '__PWRD__';

/** `${NAME}`: the whole property is an environment variable, as Node-RED substitutes it. */
const ENV_PROPERTY = /^\$\{(\S+)\}$/;

/** The request body, as the editor sends it. */
interface VerifyBody {
  id?: unknown;
  endpoint?: unknown;
  accessKey?: unknown;
  bucketKey?: unknown;
}

/** A request error the route answers with 400. */
class BadRequest extends Error {}

/** Registers {@link VERIFY_ROUTE}; call once from the account node's module. */
export function registerVerifyRoute(RED: NodeAPI): void {
  const resolveEnv = (value: string, id: string): string => {
    const env = ENV_PROPERTY.exec(value);
    if (!env) return value;
    const node = id ? RED.nodes.getNode(id) : null;
    const resolved = RED.util.getSetting(node as never, env[1]) as string | undefined;
    if (resolved === undefined || resolved === '') {
      throw new BadRequest(`endpoint ${value}: the environment variable ${env[1]} is not set in Node-RED's environment`);
    }
    return resolved;
  };

  const storedKey = (id: string): string => {
    const credentials = (id ? RED.nodes.getCredentials(id) : undefined) as AccountCredentials | undefined;
    if (!credentials?.accessKey) {
      throw new BadRequest('accessKey: this account has no stored key yet: type the key, then press Verify key');
    }
    return credentials.accessKey;
  };

  RED.httpAdmin.post(VERIFY_ROUTE, RED.auth.needsPermission('initialstate-account.write'), (req, res) => {
    const body = (req.body ?? {}) as VerifyBody;
    const run = async (): Promise<VerifyAnswer> => {
      const id = typeof body.id === 'string' ? body.id : '';
      if (typeof body.endpoint !== 'string') throw new BadRequest(`endpoint must be a string (got ${JSON.stringify(body.endpoint)})`);
      if (body.accessKey !== undefined && typeof body.accessKey !== 'string') throw new BadRequest('accessKey must be a string');
      if (body.accessKey === '') throw new BadRequest('accessKey: the Access key field is empty: type the key');
      // Absent or the placeholder: the key was not retyped, so it is the stored one.
      const accessKey = body.accessKey === undefined || body.accessKey === PASSWORD_PLACEHOLDER ? storedKey(id) : body.accessKey;
      const bucketKey = typeof body.bucketKey === 'string' && body.bucketKey !== '' ? body.bucketKey : undefined;
      try {
        return await verifyKey({ endpoint: resolveEnv(body.endpoint.trim(), id), accessKey, bucketKey });
      } catch (err) {
        // verifyKey only throws for invalid options, whose messages never hold the key.
        throw new BadRequest((err as Error).message);
      }
    };
    run().then(
      (answer) => res.json(answer),
      (err: Error) => res.status(err instanceof BadRequest ? 400 : 500).json({ error: err.message }),
    );
  });
}
