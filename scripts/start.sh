#!/usr/bin/env bash
# npm start: install what is missing, then run servers, the five subgraphs, the gateway and demo data.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# No npx, sh or tsx wrapper in between: npm hands the signal to its child, and a terminal's Ctrl-C reaches the whole
# group too; tsx's wrapper would take the second signal as "force quit" and kill the launcher mid-shutdown.
exec node --import tsx scripts/platform/start.cli.ts
