/**
 * `initialstate-bucket`: creates a bucket (or finds it already there) and outputs
 * `msg.payload = {bucketKey, bucketName, created}`.
 */
import type { Node, NodeAPI, NodeMessageInFlow, NodeStatus } from 'node-red';
import type { BucketResult } from '../src/engine/types';
import { describeProblem, validateBucketKey, validateBucketName } from '../src/mapping';
import type { AccountView } from './lib/account-node';
import { BUCKET_DEFAULTS, withDefaults } from './lib/defaults';
import { evaluateOr, prepareOptional } from './lib/evaluate';
import { NodeError, nodeError } from './lib/node-error';
import { deliveryStatus, STOPPED } from './lib/status';
import { joinAccount, type AccountUserDef } from './lib/user';

/** The create-bucket node's settings; each missing one takes its editor default ({@link BUCKET_DEFAULTS}). */
interface BucketNodeDef extends AccountUserDef {
  /** Bucket key. Default `bucketKey` (type `msg`), then the account's. */
  bucketKey: string;
  /** TypedInput type of {@link bucketKey}: str, msg, flow, global, env, jsonata. Default `msg`. */
  bucketKeyType: string;
  /** Bucket name. Default `bucketName` (type `msg`), then the account's. */
  bucketName: string;
  /** TypedInput type of {@link bucketName}. Default `msg`. */
  bucketNameType: string;
}

/** Status text for each `BucketError` code; errors without a code are bad input. */
const FAILED: Record<string, string> = {
  ...STOPPED,
  http: 'not created',
  closed: 'closed',
};

export = function (RED: NodeAPI): void {
  function InitialStateBucketNode(this: Node, saved: BucketNodeDef): void {
    RED.nodes.createNode(this, saved);
    const config = withDefaults(BUCKET_DEFAULTS, saved);
    const node = this;
    const bucketKeyProperty = prepareOptional(RED, node, config.bucketKey, config.bucketKeyType);
    const bucketNameProperty = prepareOptional(RED, node, config.bucketName, config.bucketNameType);
    let last: NodeStatus = {};
    const link = joinAccount(RED, node, config, (view: AccountView) => {
      const account = deliveryStatus(view, { queued: 0, delivered: 0 });
      return account.fill === 'red' || account.fill === 'yellow' ? account : last;
    });

    async function create(msg: NodeMessageInFlow): Promise<BucketResult> {
      const { account, engine } = link.engine();
      const bucketKey = await evaluateOr(bucketKeyProperty, msg, account.bucketKey);
      const bucketName = await evaluateOr(bucketNameProperty, msg, account.bucketName || undefined);
      const problems = [validateBucketKey(bucketKey), validateBucketName(bucketName)].filter((p) => p !== undefined);
      if (problems.length) throw new NodeError(`no bucket created: ${problems.map(describeProblem).join('; ')}`);
      return engine.createBucket(bucketKey as string, bucketName as string | undefined);
    }

    node.on('input', (msg, send, done) => {
      create(msg).then(
        (result) => {
          last = { fill: 'green', shape: 'dot', text: result.created ? 'created' : 'exists' };
          link.refresh();
          msg.payload = { bucketKey: result.bucketKey, bucketName: result.bucketName, created: result.created };
          send(msg);
          done();
        },
        (err: Error & { code?: string }) => {
          last = { fill: 'red', shape: 'ring', text: FAILED[err.code ?? ''] ?? 'invalid' };
          link.refresh();
          done(nodeError(err));
        },
      );
    });
  }

  RED.nodes.registerType('initialstate-bucket', InitialStateBucketNode as never);
};
