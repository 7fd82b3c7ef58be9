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
