# agent-authz container image. Multi-stage: the build stage compiles TypeScript with the dev
# dependencies (the compose demo's one-shot `setup` service also runs in it); the runtime stage
# holds only the compiled code and the production dependencies, and runs as the non-root `node`
# user.
ARG NODE_IMAGE=node:20.19.5-bookworm-slim

# The compiled JavaScript is the same on every architecture: a multi-arch build compiles it once,
# natively, and only the stages below run per target platform.
FROM --platform=$BUILDPLATFORM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` builds, and the sources are not copied yet.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY proto ./proto
COPY schema ./schema
COPY scripts ./scripts
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY assets ./assets
COPY bin ./bin
COPY proto ./proto
COPY schema ./schema
USER node
# gRPC ext_authz, HTTP ext_authz. The admin API (9193) listens on 127.0.0.1 by default: probes
# from outside the container need listen.admin set to 0.0.0.0:9193.
EXPOSE 9191 9192
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9193/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/agent-authz.js"]
CMD ["serve"]
