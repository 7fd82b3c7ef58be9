import path from 'node:path';

/**
 * The Node-RED under test: `NODE_RED_PATH` (a package folder; the Node 24 / node-red 5 run sets
 * it), else the devDependency.
 */
export const NODE_RED_DIR: string = process.env.NODE_RED_PATH
  ? path.resolve(process.env.NODE_RED_PATH)
  : path.dirname(require.resolve('node-red/package.json'));

/** Its main module, as `helper.init()` wants it. */
export const NODE_RED_PATH: string = require.resolve(NODE_RED_DIR);

/** Its command-line entry (`red.js` at the package root). */
export const NODE_RED_CLI: string = path.join(NODE_RED_DIR, 'red.js');
