# syntax=docker/dockerfile:1.7
#
# One Dockerfile for every app in the monorepo; `APP` picks which one:
#
#   docker build --build-arg APP=accounts --build-arg PORT=4001 -t crm/accounts:dev .
#
# A release image is tagged (and labelled) with the app's own version, apps/<app>/package.json:
#
#   V=$(node -p "require('./apps/accounts/package.json').version")
#   docker build --build-arg APP=accounts --build-arg PORT=4001 --build-arg VERSION=$V -t crm/accounts:$V .
#
# APP is the Nx project name under apps/ (gateway, accounts, engagement,
# service-desk, surveys, credit). PORT only sets the image's default PORT and
# its EXPOSE line; the orchestrator's PORT env still wins at run time.
#
# Stages:
#   base       node:20-bookworm-slim + the npm that wrote the lockfile (glibc, as at run time)
#   deps       full `npm install` (the lockfile lacks other platforms' optional binaries, so `npm ci` refuses it) (dev dependencies included: nx, esbuild, typescript)
#   build      `nx run ${APP}:build`  ->  dist/apps/${APP}/main.js (node_modules external)
#   prod-deps  `npm install --omit=dev` on the runtime base, in parallel with build
#   runtime    production node_modules + the bundle + schema/, non-root, read-only code

ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS base
# The npm that wrote package-lock.json: `npm ci` refuses a lockfile that another
# npm major resolves differently (node:20 ships npm 10; the lockfile is npm 11's).
ARG NPM_VERSION=11.19.1
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
RUN npm install --global "npm@${NPM_VERSION}" && npm --version

# ---------------------------------------------------------------------------
FROM base AS deps
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm install --no-audit --no-fund

# ---------------------------------------------------------------------------
FROM deps AS build
ARG APP
# Nx without its daemon, cloud or terminal UI: a one-shot build inside a container.
ENV NX_DAEMON=false \
    NX_NO_CLOUD=true \
    NX_TUI=false \
    NX_SKIP_NX_CACHE=true \
    CI=true
COPY . .
RUN if [ ! -f "apps/${APP:-.missing}/project.json" ]; then \
      echo "build arg APP='${APP}' is not an app under apps/ (have: $(ls apps | tr '\n' ' '))" >&2; exit 1; \
    fi
RUN npx nx run "${APP}:build" \
 && test -f "dist/apps/${APP}/main.js"

# ---------------------------------------------------------------------------
FROM base AS prod-deps
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm install --omit=dev --no-audit --no-fund

# ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ARG APP
ARG PORT=4000
ARG VERSION=dev
LABEL org.opencontainers.image.title="crm-${APP}" \
      org.opencontainers.image.description="Federated GraphQL CRM: ${APP}" \
      org.opencontainers.image.version="${VERSION}"

WORKDIR /app
# NODE_OPTIONS: a 2 MiB young-generation semi-space instead of V8's 16 MiB keeps an idle subgraph near 105 MiB
# resident instead of 135 MiB, at no throughput measurable here (scripts/benchmarks/rss.bench.ts reads this line).
# Source-mapped stack traces (--enable-source-maps; the .map ships beside the bundle) cost ~7 MiB per subgraph and
# ~20 MiB for the gateway: add the flag through the orchestrator's NODE_OPTIONS when wanted.
ENV NODE_ENV=production \
    APP=${APP} \
    APP_MAIN=dist/apps/${APP}/main.js \
    PORT=${PORT} \
    HOST=0.0.0.0 \
    SCHEMA_DIR=/app/schema \
    NODE_OPTIONS=--max-semi-space-size=2

# Code and dependencies stay owned by root and read-only to the `node` user (uid 1000)
# the process runs as; the app writes nothing to its own directory.
COPY --from=prod-deps /app/node_modules ./node_modules
COPY package.json ./
# The app's own package.json: /healthz reports its version.
COPY apps/${APP}/package.json ./apps/${APP}/package.json
# SDL (and the gateway's supergraph.graphql) is read at run time from SCHEMA_DIR;
# without it the app would find /app/schema by walking up from dist/apps/${APP}/.
COPY schema ./schema
COPY --from=build /app/dist/apps/${APP} ./dist/apps/${APP}

USER node
EXPOSE ${PORT}

# Liveness only (is the event loop answering?); readiness (Mongo, NATS, supergraph)
# is the orchestrator's /readyz probe. The slim image has no curl: Node 20's fetch does it.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/healthz', { signal: AbortSignal.timeout(2500) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

STOPSIGNAL SIGTERM
# `exec` replaces the shell, so node is PID 1 and receives SIGTERM itself (graceful shutdown).
CMD ["/bin/sh", "-c", "exec node \"$APP_MAIN\""]
