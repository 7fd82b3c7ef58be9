/**
 * Shows an access key as `…` plus at most its last 4 characters (`…` alone for keys shorter
 * than 12 characters, whose last 4 would give away too much), for logs, status and errors.
 */
export function maskKey(accessKey: string): string {
  return accessKey.length >= 12 ? `…${accessKey.slice(-4)}` : '…';
}

/** Replaces every occurrence of `accessKey` in `text` by its masked form, so no message can leak it. */
export function redactKey(text: string, accessKey: string): string {
  return accessKey ? text.split(accessKey).join(maskKey(accessKey)) : text;
}

/**
 * The one sentence for a rejected key: the cause, the key masked once, then the service's answer
 * once, e.g. `access key …9999 rejected (HTTP 401 ACCESS_DENIED_KEY: this access key is not
 * accepted)`; with `endpoint`, `access key …9999 rejected by https://groker.init.st/api (…)`.
 *
 * @param answer - the answer as `describeErrorBody` gives it; left out when `''`.
 */
export function describeKeyRejected(accessKey: string, answer: string, endpoint?: string): string {
  const by = endpoint ? ` by ${endpoint}` : '';
  return redactKey(`access key ${maskKey(accessKey)} rejected${by}${answer ? ` (${answer})` : ''}`, accessKey);
}
