# syntax=docker/dockerfile:1
# Ratchet worker image. Build from the repository root:  docker build -f docker/worker.Dockerfile -t ratchet-worker .
# The same build as `npm run build` (nx), then only what `npm run start:worker` needs at run time, as a non-root user. Nothing
# is written inside the image at run time, so it runs with a read-only root filesystem.

FROM node:24-bookworm-slim AS build
WORKDIR /repo
ENV CHECKPOINT_DISABLE=1 NX_DAEMON=false NX_NO_CLOUD=true NX_SKIP_NX_CACHE=true SCARF_ANALYTICS=false
COPY . .
RUN npm ci --no-audit --no-fund && npx nx run @ratchet/worker:build
# Drop dev dependencies in place: node_modules keeps its workspace links and only run-time packages.
RUN npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /repo/package.json ./package.json
COPY --from=build /repo/node_modules ./node_modules
COPY --from=build /repo/libs/contracts/package.json ./libs/contracts/package.json
COPY --from=build /repo/libs/contracts/dist ./libs/contracts/dist
COPY --from=build /repo/libs/db/package.json ./libs/db/package.json
COPY --from=build /repo/libs/db/dist ./libs/db/dist
COPY --from=build /repo/libs/jobs/package.json ./libs/jobs/package.json
COPY --from=build /repo/libs/jobs/dist ./libs/jobs/dist
COPY --from=build /repo/libs/pss/package.json ./libs/pss/package.json
COPY --from=build /repo/libs/pss/dist ./libs/pss/dist
COPY --from=build /repo/apps/worker/package.json ./apps/worker/package.json
COPY --from=build /repo/apps/worker/dist ./apps/worker/dist
USER node
EXPOSE 9465
HEALTHCHECK --interval=10s --timeout=3s --retries=6 CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.RATCHET_METRICS_PORT||9465)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "apps/worker/dist/main.js"]
