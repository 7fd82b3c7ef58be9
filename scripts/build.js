#!/usr/bin/env node
// Builds what Node-RED loads: tsc output plus the editor files, locales and icons beside
// the node .js files, and the emulator's static assets beside its .js.
// Usage: node scripts/build.js [outDir]   (default dist; helpers may build into a private dir)
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const out = path.resolve(root, process.argv[2] || 'dist');

fs.rmSync(out, { recursive: true, force: true });
let failed = false;
try {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json'), '--outDir', out], {
    stdio: 'inherit',
    cwd: root,
  });
} catch {
  // tsc still emits on type errors; copy the assets anyway so the output is usable, then fail.
  failed = true;
}

/** Copies every file under `from` whose name passes `keep`, keeping the folder shape. */
function copyTree(from, to, keep) {
  if (!fs.existsSync(from)) return;
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory()) copyTree(src, dst, keep);
    else if (keep(entry.name)) {
      fs.mkdirSync(to, { recursive: true });
      fs.copyFileSync(src, dst);
    }
  }
}

const notTs = (name) => !name.endsWith('.ts');
copyTree(path.join(root, 'nodes'), path.join(out, 'nodes'), notTs);
copyTree(path.join(root, 'icons'), path.join(out, 'nodes', 'icons'), () => true);
copyTree(path.join(root, 'src'), path.join(out, 'src'), notTs);
for (const bin of ['src/emulator/cli.js']) {
  const file = path.join(out, bin);
  if (fs.existsSync(file)) fs.chmodSync(file, 0o755);
}
if (failed) process.exit(1);
