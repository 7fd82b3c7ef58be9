/** What a delivered message carries on in `msg.initialstate` when the stream node has an output. */
export interface StreamOutcome {
  /** The bucket the events went to. */
  bucketKey: string;
  /** Events the API accepted. */
  events: number;
  /** HTTP status of the last response (204 on success). */
  status: number;
  /** HTTP attempts the events needed. */
  attempts: number;
  /** Milliseconds from submit to the last acknowledgement. */
  latencyMs: number;
}
