/** Checks of keys, bucket keys and bucket names against the Events API's limits. */
import { LIMITS } from '../event';
import { RULES } from './rules';
import { shorten } from './shorten';
import type { Problem } from './types';

// C0 controls and DEL: Node refuses them in header values such as X-IS-BucketKey.
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The rule an event key breaks (1 to 100 characters), or `undefined` when it is valid. */
export function keyRule(key: string): string | undefined {
  if (key.length === 0) return RULES.keyEmpty;
  return key.length > LIMITS.keyLength ? RULES.keyLength : undefined;
}

/**
 * A key given as a string, or as a finite number (an MQTT-style `msg.topic` of `5` becomes
 * `"5"`); `undefined` for anything else.
 */
export function keyText(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  return typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : undefined;
}

/**
 * The problem with a bucket key, or `undefined` when it is valid: a string of 1 to 250
 * characters without `:` `"` `'` or control characters. The problem's field is `'bucketKey'`.
 */
export function validateBucketKey(bucketKey: unknown): Problem | undefined {
  return bucketProblem('bucketKey', bucketKeyRule(bucketKey), bucketKey);
}

/**
 * The problem with a bucket name, or `undefined` when it is valid: absent (`undefined` or `''`,
 * meaning no name) or a string of at most 250 characters. The problem's field is `'bucketName'`.
 */
export function validateBucketName(bucketName: unknown): Problem | undefined {
  return bucketProblem('bucketName', bucketNameRule(bucketName), bucketName);
}

function bucketKeyRule(v: unknown): string | undefined {
  if (typeof v !== 'string') return RULES.bucketType;
  if (v.length === 0) return RULES.bucketEmpty;
  if (v.length > LIMITS.bucketKeyLength) return RULES.bucketLength;
  if (LIMITS.bucketKeyForbidden.some((c) => v.includes(c))) return RULES.bucketForbidden;
  return CONTROL.test(v) ? RULES.bucketControl : undefined;
}

function bucketNameRule(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') return RULES.bucketType;
  return v.length > LIMITS.bucketKeyLength ? RULES.bucketLength : undefined;
}

function bucketProblem(field: 'bucketKey' | 'bucketName', rule: string | undefined, value: unknown): Problem | undefined {
  return rule === undefined ? undefined : { key: '', field, rule, value: shorten(value) };
}
