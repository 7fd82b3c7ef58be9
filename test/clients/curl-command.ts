/**
 * Runs a documented curl command against the emulator: with the `curl` binary when there is one,
 * else by sending the request curl would send (its default headers, its body) from Node.
 */
import { execFile, spawnSync } from 'node:child_process';
import http from 'node:http';

/** Splits a POSIX shell command into words: '…' and "…" quoting, backslash escapes, `\`-newline continuations. */
export function shellWords(command: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < command.length; ) {
    const c = command[i] as string;
    if (c === '\\' && command[i + 1] === '\n') i += 2;
    else if (c === '\\') {
      word += command[i + 1] ?? '';
      inWord = true;
      i += 2;
    } else if (c === "'") {
      const end = command.indexOf("'", i + 1);
      if (end < 0) throw new SyntaxError(`unterminated ' quote at ${i} in: ${command.slice(0, 60)}`);
      word += command.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i += 1;
      while (command[i] !== '"') {
        if (i >= command.length) throw new SyntaxError(`unterminated " quote in: ${command.slice(0, 60)}`);
        // Inside double quotes a backslash escapes only $ ` " \ and a newline.
        if (command[i] === '\\' && '$`"\\\n'.includes(command[i + 1] ?? '')) {
          if (command[i + 1] !== '\n') word += command[i + 1];
          i += 2;
        } else word += command[i++];
      }
      inWord = true;
      i += 1;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i += 1;
    } else {
      word += c;
      inWord = true;
      i += 1;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** The request a curl command line describes. */
export interface CurlRequest {
  method: string;
  url: string;
  headers: [string, string][];
  data?: string;
  /** The command's words after `curl`, for running it. */
  args: string[];
}

/** Reads the curl options the docs use: `--include`, `--request`, `--header`, `--data-binary` and the URL. */
export function parseCurl(command: string): CurlRequest {
  const words = shellWords(command);
  if (words[0] !== 'curl') throw new SyntaxError(`Expected a curl command, got \`${command.slice(0, 40)}\``);
  const args = words.slice(1);
  const headers: [string, string][] = [];
  let method: string | undefined;
  let url: string | undefined;
  let data: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const value = (): string => {
      const next = args[++i];
      if (next === undefined) throw new SyntaxError(`curl option ${arg} needs a value`);
      return next;
    };
    if (arg === '--include' || arg === '-i') continue;
    else if (arg === '--request' || arg === '-X') method = value();
    else if (arg === '--header' || arg === '-H') {
      const header = value();
      const colon = header.indexOf(':');
      headers.push([header.slice(0, colon).trim(), header.slice(colon + 1).trim()]);
    } else if (arg === '--data-binary') data = value();
    else if (arg.startsWith('-')) throw new SyntaxError(`curl option ${arg} is not one the docs use`);
    else url = arg;
  }
  if (url === undefined) throw new SyntaxError(`no URL in: ${command.slice(0, 60)}`);
  return { method: method ?? (data === undefined ? 'GET' : 'POST'), url, headers, ...(data === undefined ? {} : { data }), args };
}

/** True when a `curl` binary can be run here. */
export const HAVE_CURL = spawnSync('curl', ['--version'], { stdio: 'ignore' }).status === 0;

/**
 * Runs `request` with `origin` put in place of the documented service's; resolves with the status.
 * `binary` false sends curl's request from Node even where curl is installed.
 */
export function runCurl(request: CurlRequest, documentedOrigin: string, origin: string, binary = HAVE_CURL): Promise<number> {
  const swap = (text: string): string => (text.startsWith(documentedOrigin) ? origin + text.slice(documentedOrigin.length) : text);
  if (binary) {
    const args = [...request.args.map(swap), '--silent', '--show-error', '--output', '/dev/null', '--write-out', '%{http_code}'];
    return new Promise((resolve, reject) => {
      execFile('curl', args, (err, stdout) => (err ? reject(err) : resolve(Number(stdout.trim()))));
    });
  }
  // curl's own headers: Host, User-Agent, Accept; a --data-binary body is form-encoded unless a Content-Type is given.
  const headers: Record<string, string> = { 'User-Agent': 'curl/7.88.1', Accept: '*/*' };
  if (request.data !== undefined) headers['Content-Type'] = 'application/x-www-form-urlencoded';
  for (const [name, value] of request.headers) headers[name] = value;
  return new Promise((resolve, reject) => {
    const req = http.request(swap(request.url), { method: request.method, headers, agent: false }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('error', reject);
    req.end(request.data);
  });
}
