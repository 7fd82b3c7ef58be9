/** The engine: the shared, rate-limited batcher of an Initial State account. No Node-RED here. */
export * from './types';
export { AccountEngine, CREATE_BUCKET_ATTEMPTS, type AccountEngineDeps } from './account-engine';
export { BucketError } from './bucket-error';
export { QueueHandOver, type HandedEvent } from './queue-hand-over';
export { WindowLimiter, type WindowLimiterOptions } from './window-limiter';
export type { Limiter, RateInfo, Sharing, Slot, WindowView } from './limiter';
export { LimiterRegistry, processLimiters } from './limiter-registry';
export { DEFAULT_ACCOUNT_OPTIONS, resolveAccountOptions, requestsPerWindow } from './options';
export { maskKey } from './mask-key';
export { createHttpClient, headerSafe, type HttpClient, type HttpClientOptions, type HttpResult } from './http-client';
export { describeFailed, describeSummaries, summarizeFailed, type DropSummary } from './describe-failed';
export { DropDigest, DROP_DIGEST_MS } from './drop-digest';
