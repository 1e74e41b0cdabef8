#!/usr/bin/env bash
# Renders media/icon.svg to the 128x128 PNG the marketplace shows (package.json "icon"). The PNG is committed;
# run this after editing the SVG. Needs rsvg-convert (Debian: apt-get install librsvg2-bin).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v rsvg-convert >/dev/null 2>&1 || { echo "rsvg-convert is missing: apt-get install librsvg2-bin" >&2; exit 1; }
rsvg-convert --width 128 --height 128 --keep-aspect-ratio media/icon.svg --output media/icon.png
echo "media/icon.png: $(wc -c < media/icon.png) bytes"
