# syntax=docker/dockerfile:1
# Ratchet agent image. Build from the repository root:  docker build -f docker/agent.Dockerfile -t ratchet-agent .
# The same build as `npm run build` (nx), then only what `npm run start:agent` needs at run time, as a non-root user. Nothing
# is written inside the image at run time except the spool (RATCHET_SPOOL_DIR, an emptyDir in the Helm chart), so it runs with a read-only root filesystem.

FROM node:24-bookworm-slim AS build
WORKDIR /repo
ENV CHECKPOINT_DISABLE=1 NX_DAEMON=false NX_NO_CLOUD=true NX_SKIP_NX_CACHE=true SCARF_ANALYTICS=false
COPY . .
RUN npm ci --no-audit --no-fund && npx nx run @ratchet/agent:build
# Drop dev dependencies in place: node_modules keeps its workspace links and only run-time packages.
RUN npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /repo/package.json ./package.json
COPY --from=build /repo/node_modules ./node_modules
COPY --from=build /repo/libs/contracts/package.json ./libs/contracts/package.json
COPY --from=build /repo/libs/contracts/dist ./libs/contracts/dist
COPY --from=build /repo/libs/collector/package.json ./libs/collector/package.json
COPY --from=build /repo/libs/collector/dist ./libs/collector/dist
COPY --from=build /repo/libs/pss/package.json ./libs/pss/package.json
COPY --from=build /repo/libs/pss/dist ./libs/pss/dist
COPY --from=build /repo/apps/agent/package.json ./apps/agent/package.json
COPY --from=build /repo/apps/agent/dist ./apps/agent/dist
# UID/GID 1000 (the image's node user), numeric so Kubernetes' runAsNonRoot can verify it.
# The spool's default path, owned by the user, so a volume mounted there is writable.
RUN mkdir -p /var/spool/ratchet-agent && chown 1000:1000 /var/spool/ratchet-agent
USER 1000:1000
EXPOSE 8080 8443
# V8 heap sizing (why: docs/agent.md, Resources): a 1 MB young generation and a 96 MB old-space ceiling. An environment
# variable rather than CMD flags, so a very large cluster can raise the ceiling with the pod's env alone.
ENV NODE_OPTIONS="--max-semi-space-size=1 --max-old-space-size=128"
CMD ["node", "apps/agent/dist/main.js"]
