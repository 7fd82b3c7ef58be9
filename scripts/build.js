#!/usr/bin/env node
// Builds what Node-RED loads: tsc output plus the editor files, locales and icons beside
// the node .js files, and the emulator's static assets beside its .js.
// Usage: node scripts/build.js [--ship] [outDir]   (default dist)
//   --ship  only what the package ships (src/, nodes/): what `prepare` builds on `npm install`,
//           so a type error in a test or the bench never breaks an install from git.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const ship = args.includes('--ship');
const out = path.resolve(root, args.find((a) => !a.startsWith('--')) || 'dist');
const tsconfig = path.join(root, ship ? 'tsconfig.build.json' : 'tsconfig.json');

fs.rmSync(out, { recursive: true, force: true });
let failed = false;
try {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', tsconfig, '--outDir', out], {
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
