/**
 * The curl commands of Initial State's docs, as printed there (only `YOUR_KEY` is theirs to fill
 * in), with the status the docs give each. Sources:
 * - the support article "Streaming via RESTful Events API" (formerly "How to Stream Events via
 *   RESTful API"), whose commands go to `https://groker.initialstate.com`;
 * - the Events API Blueprint (shared/reference/initialstate-events-api.apib, host
 *   `https://groker.init.st/api`): its example requests, written out as the curl commands that send them.
 */

/** One documented command. */
export interface DocsCommand {
  /** What the docs call it. */
  title: string;
  source: 'article' | 'Blueprint';
  command: string;
  /** The documented status; for a bucket, on a fresh account. */
  status: number;
  /** The documented status when the command is run a second time, where the docs give one. */
  again?: number;
}

/** Where the article's commands go. */
export const ARTICLE_ORIGIN = 'https://groker.initialstate.com';
/** The Blueprint's HOST, less its `/api`. */
export const BLUEPRINT_ORIGIN = 'https://groker.init.st';

export const DOCS_COMMANDS: readonly DocsCommand[] = [
  {
    title: 'Create a streaming Event Bucket (headers, JSON)',
    source: 'article',
    command: `curl --include \\
     --request POST \\
     --header "Content-Type: application/json" \\
     --header "X-IS-AccessKey: YOUR_KEY" \\
     --header "Accept-Version: ~0" \\
     --data-binary "{
    \\"bucketKey\\": \\"curl_example_bucket\\",
    \\"bucketName\\": \\"cURL Example Bucket\\"
}" \\
'https://groker.initialstate.com/api/buckets'`,
    status: 201,
    again: 204,
  },
  {
    title: 'Create a streaming Event Bucket (URL parameters, no headers)',
    source: 'article',
    command: `curl --request POST 'https://groker.initialstate.com/api/buckets?accessKey=YOUR_KEY&bucketKey=curl_example_bucket&bucketName=cURL%20Example%20Bucket'`,
    status: 201,
    again: 204,
  },
  {
    title: 'Send events to the bucket (iso8601 timestamp specified)',
    source: 'article',
    command: `curl --include \\
     --request POST \\
     --header "Content-Type: application/json" \\
     --header "X-IS-AccessKey: YOUR_KEY" \\
     --header "X-IS-BucketKey: curl_example_bucket" \\
     --header "Accept-Version: ~0" \\
     --data-binary "[
    {
        \\"iso8601\\": \\"2015-10-08T07:54+06:00\\", 
        \\"key\\": \\"temperature\\",
        \\"value\\": \\"25.4\\"
    }
]" \\
'https://groker.initialstate.com/api/events'`,
    status: 204,
  },
  {
    title: 'Send events to the bucket (URL parameters, no headers, no timestamp)',
    source: 'article',
    command: `curl --request POST 'https://groker.initialstate.com/api/events?accessKey=YOUR_KEY&bucketKey=curl_example_bucket&temperature=25.4'`,
    status: 204,
  },
  {
    title: '… "this also works using a GET"',
    source: 'article',
    command: `curl 'https://groker.initialstate.com/api/events?accessKey=YOUR_KEY&bucketKey=curl_example_bucket&temperature=25.4'`,
    status: 204,
  },
  {
    title: 'Get supported versions [GET /versions]',
    source: 'Blueprint',
    command: `curl --include 'https://groker.init.st/api/versions'`,
    status: 200,
  },
  {
    title: 'Buckets JSON: Create a bucket [POST /buckets]',
    source: 'Blueprint',
    command: `curl --include --request POST \\
  --header "Content-Type: application/json" --header "X-IS-AccessKey: 1234" --header "Accept-Version: ~0" \\
  --data-binary '{
    "bucketKey": "apiary_bucket",
    "bucketName": "Apiary Bucket"
}' 'https://groker.init.st/api/buckets'`,
    status: 201,
    again: 204,
  },
  {
    title: 'Buckets no-JSON: Create a bucket [POST /buckets?accessKey=&bucketKey=&bucketName=]',
    source: 'Blueprint',
    command: `curl --include --request POST 'https://groker.init.st/api/buckets?accessKey=ist_fakee8do2JQN3Eos8Ah2FS8uiFD3Ola2&bucketKey=bucket1sfa&bucketName=My%20New%20Bucket'`,
    status: 201,
    again: 204,
  },
  {
    title: 'Events JSON: Send Events [POST /events] (its ten 2014 epochs, which the 10-year rule replaces)',
    source: 'Blueprint',
    command: `curl --include --request POST \\
  --header "Content-Type: application/json" --header "X-IS-AccessKey: 1234" --header "X-IS-BucketKey: apiary_bucket" --header "Accept-Version: ~0" \\
  --data-binary '[
    {"key": "temperature", "value": "1", "epoch": 1419876021.778477},
    {"key": "temperature", "value": "2", "epoch": 1419876022.778477},
    {"key": "temperature", "value": "3", "epoch": 1419876023.778477},
    {"key": "temperature", "value": "4", "epoch": 1419876024.778477},
    {"key": "temperature", "value": "5", "epoch": 1419876025.778477},
    {"key": "temperature", "value": "6", "epoch": 1419876026.778477},
    {"key": "temperature", "value": "7", "epoch": 1419876026.778477},
    {"key": "temperature", "value": "8", "epoch": 1419876027.778477},
    {"key": "temperature", "value": "9", "epoch": 1419876028.778477},
    {"key": "temperature", "value": "10", "epoch": 1419876029.778477}
]' 'https://groker.init.st/api/events'`,
    status: 204,
  },
  {
    title: 'Events no-JSON: Send Events [GET /events?accessKey=&bucketKey=&{eventKey0}={eventValue0}&…]',
    source: 'Blueprint',
    command: `curl --include 'https://groker.init.st/api/events?accessKey=ist_fakee8do2JQN3Eos8Ah2FS8uiFD3Ola2&bucketKey=bucket1sfa&eventKey0=eventValue0&eventKey1=eventValue1'`,
    status: 204,
  },
];
