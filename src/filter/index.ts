export { passesChange } from './change-gate';
export { FILTER_DEFAULTS, filterOptions, filters, type Aggregate, type DeadbandMode, type FilterOptions } from './options';
export { StreamFilter, type FilterStep, type FilterTotals } from './stream-filter';
export { StreamGate, type GateStep, type GateTotals, type StreamGateOptions } from './stream-gate';
