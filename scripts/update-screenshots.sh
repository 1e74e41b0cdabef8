#!/usr/bin/env bash
# Copies the README's screenshots from the last run of the browser journeys (.test-output/screenshots/) into
# media/screenshots/; a journey that did not run is skipped (each run of test/vscode/run.ts clears the folder).
# Run the journeys first: npm run test:vscode -- --layer journeys (or --grep NAME, copying after each).
set -euo pipefail
cd "$(dirname "$0")/.."
shots=.test-output/screenshots
mkdir -p media/screenshots
copy() { # journey, step file (without the NN- prefix), name in media/screenshots
  local found
  found=$(ls "$shots/$1"/*-"$2".png 2>/dev/null | head -1 || true)
  if [ -z "$found" ]; then echo "skipped $3: no $shots/$1/*-$2.png (run the $1 journey)" >&2; return 0; fi
  cp "$found" "media/screenshots/$3.png"
  echo "media/screenshots/$3.png <- $found"
}
copy search results-as-you-type search
copy panel results-grouped-by-file panel
copy storage storage-options-measured storage
copy walkthrough all-steps-checked walkthrough
