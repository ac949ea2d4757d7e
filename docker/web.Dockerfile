# syntax=docker/dockerfile:1
# Ratchet web (dashboard) image. Build from the repository root:  docker build -f docker/web.Dockerfile -t ratchet-web .
# `next build` of apps/web (nx), then `next start` on PORT as a non-root user; it reaches the API at RATCHET_API_URL
# and serves it to the browser under /api. apps/web/next.config.ts sets distDir to dist, so the build output is
# apps/web/dist (not .next); `next start` reads it and next.config.ts (transpiled by Next's bundled SWC, no TypeScript
# needed at run time). Next writes its cache under dist/cache: mount an emptyDir (or tmpfs) there for a read-only
# root filesystem.

FROM node:24-bookworm-slim AS build
WORKDIR /repo
ENV CHECKPOINT_DISABLE=1 NX_DAEMON=false NX_NO_CLOUD=true NX_SKIP_NX_CACHE=true NEXT_TELEMETRY_DISABLED=1 SCARF_ANALYTICS=false
COPY . .
RUN npm ci --no-audit --no-fund && npx nx run @ratchet/web:build
RUN npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1
WORKDIR /app
COPY --from=build /repo/package.json ./package.json
COPY --from=build /repo/node_modules ./node_modules
COPY --from=build /repo/libs/contracts/package.json ./libs/contracts/package.json
COPY --from=build /repo/libs/contracts/dist ./libs/contracts/dist
COPY --from=build /repo/apps/web/package.json ./apps/web/package.json
COPY --from=build /repo/apps/web/next.config.* ./apps/web/
COPY --from=build /repo/apps/web/dist ./apps/web/dist
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --retries=6 CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/').then(r=>process.exit(r.status<500?0:1),()=>process.exit(1))"]
CMD ["sh", "-c", "exec node node_modules/next/dist/bin/next start apps/web --port \"${PORT:-3000}\""]
