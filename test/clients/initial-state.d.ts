/** Types for Initial State's Node SDK (npm `initial-state` 0.2.0, which ships none), as the client tests use it. */
declare module 'initial-state' {
  import type { EventEmitter } from 'node:events';

  /** A bucket: created on construction ('ready'), then events pushed are sent in batches ('drain'). */
  export interface Bucket extends EventEmitter {
    readonly id: string;
    readonly name: string;
    /** `date`: a ms timestamp, a seconds string such as `'1420070400.000000001'`, or none (now). */
    push(key: string, value: unknown, date?: number | string | Date): void;
  }

  export function bucket(id: string | { id: string; name?: string; accessKey?: string }, accessKey?: string): Bucket;
}
