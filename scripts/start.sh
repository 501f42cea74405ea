#!/usr/bin/env bash
# npm start: install what is missing, then run servers, the five subgraphs, the gateway and demo data.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# No npx or sh in between: npm hands SIGTERM to its child only, so the launcher must be that child to stop cleanly.
exec node_modules/.bin/tsx scripts/platform/start.cli.ts
