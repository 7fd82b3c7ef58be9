/**
 * The environment for running `npm` from a test or the bench: PATH without any
 * `node_modules/.bin`. Under `npm test` that folder comes first on PATH and holds the npm that
 * Node-RED's registry bundles (10.9.x), whose `npm pack --ignore-scripts` still runs `prepare`;
 * `prepare` rebuilds `dist/` without the tests and the bench, under the running suite.
 */
export function systemNpmEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const PATH = (env.PATH ?? '').split(':').filter((dir) => !/[\\/]node_modules[\\/]\.bin[\\/]?$/.test(dir)).join(':');
  return { ...env, PATH };
}
