/** Error of `AccountEngine.createBucket()`, with a machine-readable `code`. */
export class BucketError extends Error {
  constructor(
    readonly code: 'key-rejected' | 'invalid' | 'quota-exceeded' | 'http' | 'closed',
    message: string,
  ) {
    super(message);
    this.name = 'BucketError';
  }

  /** The message alone: Node-RED shows `String(err)`, which would start with the name. */
  override toString(): string {
    return this.message;
  }
}

/**
 * The one sentence for a bucket that was not created: which bucket, then why, e.g.
 * `bucket "trial" not created: access key …9999 rejected (HTTP 401 ACCESS_DENIED_KEY: this
 * access key is not accepted)` or `bucket "trial" not created: the account is closing`.
 *
 * @param cause - why, as one phrase (from `describeKeyRejected`, `describeErrorBody`, …).
 */
export function describeBucketNotCreated(bucketKey: string, cause: string): string {
  return `bucket ${JSON.stringify(bucketKey)} not created: ${cause}`;
}
