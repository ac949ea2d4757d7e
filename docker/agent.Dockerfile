# syntax=docker/dockerfile:1
# Ratchet agent image. Build from the repository root:  docker build -f docker/agent.Dockerfile -t ratchet-agent .
# The same build as `npm run build` (nx): the agent's build bundles it and everything it imports into one file,
# apps/agent/dist/main.js (apps/agent/bundle.ts; why: docs/agent.md, Resources), so the image holds that file, its
# source map and the package.json that makes it an ES module: no node_modules. It runs as a non-root user, and nothing
# is written inside the image at run time except the spool (RATCHET_SPOOL_DIR, an emptyDir in the Helm chart), so it
# runs with a read-only root filesystem.

FROM node:24-bookworm-slim AS build
WORKDIR /repo
ENV CHECKPOINT_DISABLE=1 NX_DAEMON=false NX_NO_CLOUD=true NX_SKIP_NX_CACHE=true SCARF_ANALYTICS=false
COPY . .
RUN npm ci --no-audit --no-fund && npx nx run @ratchet/agent:build

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /repo/apps/agent/package.json ./apps/agent/package.json
COPY --from=build /repo/apps/agent/dist ./apps/agent/dist
# UID/GID 1000 (the image's node user), numeric so Kubernetes' runAsNonRoot can verify it.
# The spool's default path, owned by the user, so a volume mounted there is writable.
RUN mkdir -p /var/spool/ratchet-agent && chown 1000:1000 /var/spool/ratchet-agent
USER 1000:1000
EXPOSE 8080 8443
# Memory (why: docs/agent.md, Resources). glibc gives each thread that mallocs its own arena; V8's compiler and GC
# threads then each keep memory the others cannot reuse.
ENV MALLOC_ARENA_MAX=1
# V8 heap sizing: a 1 MB young generation and a 128 MB old-space ceiling. An environment variable rather than CMD
# flags, so a very large cluster can raise the ceiling with the pod's env alone. Add --enable-source-maps to map
# stack traces to the TypeScript sources (dist/main.js.map; it costs about 5 MB).
ENV NODE_OPTIONS="--max-semi-space-size=1 --max-old-space-size=128"
# WebAssembly on its baseline compiler only (undici's HTTP parser tiered up to TurboFan costs a 15 MB burst of
# compiler memory); V8 refuses these flags in NODE_OPTIONS. Every setting here: scripts/agent-runtime.ts.
CMD ["node", "--no-wasm-tier-up", "--no-wasm-dynamic-tiering", "apps/agent/dist/main.js"]
