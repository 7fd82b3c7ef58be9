/**
 * Shows an access key as `…` plus its last 4 characters, and as `…` alone when the key is
 * shorter than 12 characters (its last 4 would then give away too much of it). Every log line,
 * response body, inspection route and dashboard goes through this: no whole key ever leaves.
 */
export function maskKey(accessKey: string): string {
  return accessKey.length >= 12 ? `…${accessKey.slice(-4)}` : '…';
}
