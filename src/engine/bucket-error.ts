/** Error of `AccountEngine.createBucket()`, with a machine-readable `code`. */
export class BucketError extends Error {
  constructor(
    readonly code: 'key-rejected' | 'invalid' | 'quota-exceeded' | 'http' | 'closed',
    message: string,
  ) {
    super(message);
    this.name = 'BucketError';
  }
}
