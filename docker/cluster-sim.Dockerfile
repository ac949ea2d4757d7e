# syntax=docker/dockerfile:1
# Ratchet cluster-sim image. Build from the repository root:  docker build -f docker/cluster-sim.Dockerfile -t ratchet-cluster-sim .
# The same build as `npm run build` (nx), then only what `node apps/cluster-sim/dist/main.js` needs at run time, as a non-root user. Nothing
# is written inside the image at run time except the kubeconfig it writes (mount a volume at its --kubeconfig path), so it runs with a read-only root filesystem.

FROM node:24-bookworm-slim AS build
WORKDIR /repo
ENV CHECKPOINT_DISABLE=1 NX_DAEMON=false NX_NO_CLOUD=true NX_SKIP_NX_CACHE=true SCARF_ANALYTICS=false
COPY . .
RUN npm ci --no-audit --no-fund && npx nx run @ratchet/cluster-sim:build
# Drop dev dependencies in place: node_modules keeps its workspace links and only run-time packages.
RUN npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /repo/package.json ./package.json
COPY --from=build /repo/node_modules ./node_modules
COPY --from=build /repo/apps/cluster-sim/package.json ./apps/cluster-sim/package.json
COPY --from=build /repo/apps/cluster-sim/dist ./apps/cluster-sim/dist
# Where compose's demo profile mounts a volume for the kubeconfig: owned by node, so the volume is too.
RUN mkdir -p /var/lib/ratchet-sim && chown node:node /var/lib/ratchet-sim
USER node
EXPOSE 6443
ENTRYPOINT ["node", "apps/cluster-sim/dist/main.js"]
