/**
 * An embedded Node-RED runtime for the bench: `require('node-red')` with no editor and no HTTP
 * server, a temporary user directory holding the flow, this package's nodes (from the build
 * beside this file) and the bench's own helper nodes (`bench-nodes.ts`).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A node of a flow file: `id`, `type` and the node's settings. */
export type FlowNode = { id: string; type: string; [setting: string]: unknown };

/** The parts of the Node-RED module the bench uses. */
interface NodeRed {
  init(settings: Record<string, unknown>): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  nodes: { getNode(id: string): unknown };
  events: { once(event: string, listener: () => void): void };
}

/** A started runtime. */
export interface BenchRuntime {
  /** The node with `id`, as the runtime built it. */
  node<T>(id: string): T;
  /** The temporary user directory. */
  userDir: string;
  /** Stops the flows (closing nodes as a deploy would) and removes the user directory. */
  stop(): Promise<void>;
}

/** This package's built node files: `dist/nodes` beside `dist/bench`. */
const PACKAGE_NODES = path.join(__dirname, '..', '..', 'nodes');
/** The package's root: its package.json names the nodes and the sidebar plugin. */
const PACKAGE_ROOT = path.join(__dirname, '..', '..', '..');

/** ms the flows may take to start. */
const START_TIMEOUT_MS = 30_000;

/**
 * Writes the helper nodes' loader into `dir`: Node-RED loads a `.js` only with a `.html` beside it,
 * and the build copies no `.html` from `bench/`, so the pair is made here.
 */
function writeBenchNodes(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'bench-nodes.js'), `module.exports = require(${JSON.stringify(path.join(__dirname, 'bench-nodes.js'))});\n`);
  fs.writeFileSync(path.join(dir, 'bench-nodes.html'), '<!-- bench helper nodes: runtime only -->\n');
}

/**
 * Starts Node-RED in this process with `flow` and `credentials` (keyed by node id) and resolves
 * once the flows have started. Call it once per process: Node-RED cannot be started twice.
 */
export async function startNodeRed(flow: FlowNode[], credentials: Record<string, Record<string, string>>): Promise<BenchRuntime> {
  if (!fs.existsSync(path.join(PACKAGE_NODES, 'initialstate-stream.js')) || !fs.existsSync(path.join(PACKAGE_NODES, 'initialstate-stream.html'))) {
    throw new Error(`the package's nodes are not built in ${PACKAGE_NODES}: run \`npm run build\` first`);
  }
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'is-bench-red-'));
  const benchNodes = path.join(userDir, 'bench-nodes');
  writeBenchNodes(benchNodes);
  // Loaded as the module it is (not as loose node files), so the sidebar registers as the plugin it is.
  fs.mkdirSync(path.join(userDir, 'node_modules'));
  fs.symlinkSync(PACKAGE_ROOT, path.join(userDir, 'node_modules', 'node-red-contrib-initial-state'), 'dir');
  fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(flow));
  fs.writeFileSync(path.join(userDir, 'flows_cred.json'), JSON.stringify(credentials));

  const RED = require('node-red') as NodeRed;
  RED.init({
    userDir,
    flowFile: 'flows.json',
    // The only credential is a made-up key for the local emulator.
    credentialSecret: false,
    httpAdminRoot: false,
    httpNodeRoot: false,
    nodesDir: [benchNodes],
    logging: { console: { level: 'warn', metrics: false, audit: false } },
    editorTheme: { tours: false },
  });
  const started = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Node-RED flows did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    RED.events.once('flows:started', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  await RED.start();
  await started;
  return {
    userDir,
    node<T>(id: string): T {
      const node = RED.nodes.getNode(id);
      if (!node) throw new Error(`flow node '${id}' did not start: see the Node-RED warnings above`);
      return node as T;
    },
    async stop() {
      await RED.stop();
      fs.rmSync(userDir, { recursive: true, force: true });
    },
  };
}
