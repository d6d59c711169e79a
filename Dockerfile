# syntax=docker/dockerfile:1
# The similarity server. Build: docker build -t painter .   Run with PostgreSQL: docker compose up

# --- build: dependencies (hnswlib-node compiles from source), the Prisma client, the web page, then production only
FROM node:20.20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc prisma.config.ts ./
COPY prisma ./prisma
COPY scripts ./scripts
RUN npm ci --no-audit --no-fund
COPY bin ./bin
COPY cli ./cli
COPY src ./src
COPY server ./server
COPY training ./training
COPY migrations ./migrations
COPY web ./web
# The web page is bundled here (esbuild and Chart.js are build-time only); the image serves web/dist.
RUN npm run build:web && npm prune --omit=dev --no-audit --no-fund

# --- runtime: no compilers, a non-root user, data and models on volumes
FROM node:20.20-bookworm-slim
ENV NODE_ENV=production \
    PORT=8080 \
    PAINTER_DATA_DIR=/data \
    PAINTER_MODELS_DIR=/models
WORKDIR /app
COPY --from=build --chown=node:node /app /app
RUN mkdir -p /data /models && chown node:node /data /models
USER node
# /data: indexes, feature caches, thumbnails, uploads (and the embedded database without DATABASE_URL)
VOLUME ["/data", "/models"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "bin/painter.js", "serve"]
