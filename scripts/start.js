#!/usr/bin/env node
// `npm start`: the local Events API emulator, then Node-RED with this package loaded from the
// working tree and the system-metrics demo flow pointed at the emulator (INITIALSTATE_ENDPOINT, which
// every example's account uses). Ctrl-C stops both.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const userDir = path.join(root, '.run', 'node-red');
const demoFlow = path.join(root, 'examples', '01-system-metrics-dashboard.json');
const DEMO_ACCOUNT = 'demo-account';
const DEMO_KEY = 'ist_demoLocalEmulatorKey000000000000';
// The examples' accounts name their endpoint as this environment variable, set for Node-RED below.
const ENDPOINT_VARIABLE = '${INITIALSTATE_ENDPOINT}';
const emulatorPort = Number(process.env.EMULATOR_PORT || 8888);
const editorPort = Number(process.env.PORT || 1880);

function ensureBuilt() {
  if (!fs.existsSync(path.join(root, 'dist', 'nodes', 'initialstate-stream.js'))) {
    require('node:child_process').execFileSync(process.execPath, [path.join(__dirname, 'build.js'), '--ship'], { stdio: 'inherit' });
  }
}

async function startEmulatorOnFreePort(startEmulator) {
  try {
    return await startEmulator({ port: emulatorPort, rateLimit: 'individual' });
  } catch (err) {
    if (err && err.code === 'EADDRINUSE') return startEmulator({ port: 0, rateLimit: 'individual' });
    throw err;
  }
}

/** Links this working tree into the user dir so Node-RED loads it as an installed package. */
function prepareUserDir() {
  const modules = path.join(userDir, 'node_modules');
  fs.mkdirSync(modules, { recursive: true });
  const link = path.join(modules, 'node-red-contrib-initial-state');
  if (!fs.existsSync(link)) fs.symlinkSync(root, link, 'dir');
  fs.writeFileSync(path.join(userDir, 'package.json'), JSON.stringify({
    name: 'initial-state-demo', private: true, description: 'Node-RED user dir for npm start',
    dependencies: { 'node-red-contrib-initial-state': 'file:../..' },
  }, null, 2));
  fs.writeFileSync(path.join(userDir, 'settings.js'), `module.exports = ${JSON.stringify({
    uiHost: '127.0.0.1',
    uiPort: editorPort,
    flowFile: 'flows.json',
    // The demo's only credential is the emulator's made-up key, so it is kept unencrypted.
    credentialSecret: false,
    editorTheme: { tours: false, palette: {} },
    // The demo runs offline: no update check, and no consent prompt covering the editor.
    telemetry: { enabled: false },
    logging: { console: { level: 'info', metrics: false, audit: false } },
  }, null, 2)};\n`);

  // Keep a user's edits to the demo flow across restarts. The demo account's endpoint is the
  // environment variable set below (as in every example); a flow file of an older version that
  // names a local emulator by URL is moved over to it.
  const flowFile = path.join(userDir, 'flows.json');
  const flows = fs.existsSync(flowFile) ? JSON.parse(fs.readFileSync(flowFile, 'utf8')) : JSON.parse(fs.readFileSync(demoFlow, 'utf8'));
  for (const node of flows) {
    if (node.id === DEMO_ACCOUNT && /^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(node.endpoint || '')) node.endpoint = ENDPOINT_VARIABLE;
  }
  fs.writeFileSync(flowFile, JSON.stringify(flows, null, 2));
  const credFile = path.join(userDir, 'flows_cred.json');
  const creds = fs.existsSync(credFile) ? JSON.parse(fs.readFileSync(credFile, 'utf8')) : {};
  creds[DEMO_ACCOUNT] = creds[DEMO_ACCOUNT] || { accessKey: DEMO_KEY };
  fs.writeFileSync(credFile, JSON.stringify(creds, null, 2));
}

async function main() {
  ensureBuilt();
  const { startEmulator } = require(path.join(root, 'dist', 'src', 'emulator'));
  const emulator = await startEmulatorOnFreePort(startEmulator);
  prepareUserDir();

  const red = spawn(process.execPath, [require.resolve('node-red/red.js'), '--userDir', userDir, '--settings', path.join(userDir, 'settings.js')], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, INITIALSTATE_ENDPOINT: emulator.apiUrl },
  });
  let announced = false;
  red.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    const started = /Server now running at (\S+)/.exec(chunk.toString());
    if (started && !announced) {
      announced = true;
      console.log('\n  Node-RED editor:      ' + started[1].replace(/\/$/, '') + '/');
      console.log('  Live dashboard:       ' + emulator.url + '/');
      console.log('  Emulated Events API:  ' + emulator.apiUrl);
      console.log('  Press Ctrl-C to stop both.\n');
    }
  });

  let stopping = false;
  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping Node-RED and the emulator…`);
    if (red.exitCode === null) red.kill('SIGINT');
    await new Promise((resolve) => (red.exitCode === null ? red.once('exit', resolve) : resolve()));
    await emulator.close();
    process.exit(0);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  red.on('exit', (code) => {
    if (!stopping) {
      console.error(`Node-RED exited (code ${code}); stopping the emulator.`);
      emulator.close().then(() => process.exit(code || 1));
    }
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
