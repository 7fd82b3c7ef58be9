/**
 * Where the Node-RED under test lives: `NODE_RED_PATH` (the Node 24 / node-red 5 run sets it),
 * else the devDependency.
 */
export const NODE_RED_PATH: string = process.env.NODE_RED_PATH
  ? require.resolve(process.env.NODE_RED_PATH)
  : require.resolve('node-red');
