#!/usr/bin/env node
// Refreshes docs/screenshots/: builds, then runs the browser tests with SCREENSHOTS=1 (the editor
// with the demo flow, the live dashboard, an invalid node, the emulator's dashboard page).
// Uses a system Chromium, else the one in the @sparticuz/chromium devDependency (BROWSER=bundled
// forces it). Usage: node scripts/screenshots.js
'use strict';
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const run = (args) => execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, SCREENSHOTS: '1' } });

run([path.join(__dirname, 'build.js')]);
run([require.resolve('mocha/bin/mocha.js'), '--no-config', '--timeout', '120000', '--enable-source-maps', 'dist/test/browser/**/*.test.js']);
console.log(`screenshots written to ${path.join(root, 'docs', 'screenshots')}`);
