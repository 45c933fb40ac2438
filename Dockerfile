# One image for the API, every worker and the migrations. Node 24 runs the TypeScript sources as they are: no build step.
FROM node:24.21.0-bookworm-slim

ENV NODE_ENV=production APP_ENV=production
WORKDIR /app

# Dependencies before sources, so a source change reuses this layer.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY . .
# The app writes only under DATA_DIR; the sources stay root-owned, read-only to it.
RUN install -d -o node -g node /app/data
USER node

EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.API_PORT || 8080) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "api/main.ts"]
