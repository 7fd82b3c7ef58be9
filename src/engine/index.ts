/** The engine: the shared, rate-limited batcher of an Initial State account. No Node-RED here. */
export * from './types';
export { AccountEngine, BucketError, type AccountEngineDeps } from './account-engine';
export { DEFAULT_ACCOUNT_OPTIONS, resolveAccountOptions, requestsPerWindow } from './options';
export { maskKey } from './mask-key';
export { createHttpClient, type HttpClient, type HttpClientOptions, type HttpResult } from './http-client';
