#!/usr/bin/env bash
# npm start: install what is missing, then run servers, the five subgraphs, the gateway and demo data.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec npx tsx scripts/platform/start.cli.ts
