import type { MiddlewareHandler } from 'hono';

/** Answers that carry account data must not be sniffed into another type or kept by a cache or proxy. */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  c.res.headers.set('x-content-type-options', 'nosniff');
  c.res.headers.set('cache-control', 'no-store');
};
