/** What a delivered message carries on in `msg.initialstate` when the stream node has an output. */
export interface StreamOutcome {
  /** The bucket the events went to. */
  bucketKey: string;
  /** Events the API accepted. */
  events: number;
  /** `null` and `undefined` values of the payload left out (the stream node's `nullValues: 'skip'`). */
  skipped: number;
  /** Values the stream filters held back or folded into an aggregate (not an error). */
  suppressed: number;
  /** Values waiting for their stream's interval end, or kept as its latest value while the account is not delivering (sent later, without this message). */
  held: number;
  /** Values replaced by a newer one of the same stream while the account was not delivering ("latest value only"). */
  conflated: number;
  /** HTTP status of the last response (204 on success); 0 when no event was sent. */
  status: number;
  /** HTTP attempts the events needed; 0 when no event was sent. */
  attempts: number;
  /** Milliseconds from submit to the last acknowledgement; 0 when no event was sent. */
  latencyMs: number;
}
