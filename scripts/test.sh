#!/usr/bin/env bash
# npm test: static checks (supergraph up to date, subgraph check, lint incl. module boundaries, types), then every Jest project
# (unit, integration against real servers, end-to-end through the gateway). Results: .reports/jest-results.json.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npx tsx scripts/compose-supergraph.ts --check
npx graphql-codegen --config codegen.ts --check   # resolver types must match the SDL: `npm run codegen`
npx tsx scripts/platform/config-docs.ts --check   # README's configuration table must match the config schemas: `npm run config:docs`
npx tsx scripts/operations/collect-operations.ts --check   # schema/operations must hold the README's operations: `npm run operations`
npx tsx scripts/schema-check/schema-check.ts --all --base HEAD   # every subgraph composes with the others and keeps the collected operations valid: `npm run schema:check`
NX_DAEMON=false npx nx show projects >/dev/null   # the module-boundary lint rule reads this project graph
npx eslint .
npx tsc -p tsconfig.json --noEmit
mkdir -p .reports
npx jest --ci --json --outputFile=.reports/jest-results.json "$@"
