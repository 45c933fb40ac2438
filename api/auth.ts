import { timingSafeEqual, createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { problemResponse } from './problem.ts';

/** Hashing first makes the comparison constant-time whatever the lengths. */
function sameKey(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** `Authorization: Bearer <api key>`; anything else is a 401 problem. */
export function requireApiKey(adminKey: string): MiddlewareHandler {
  return async (c, next) => {
    const match = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
    if (!match || !sameKey(match[1]!, adminKey)) {
      return problemResponse(
        c,
        { type: 'https://keel.dev/problems/unauthorized', title: 'Unauthorized', status: 401, detail: match ? 'the API key is not valid' : 'send Authorization: Bearer <api key>' },
        { 'www-authenticate': 'Bearer realm="keel"' },
      );
    }
    await next();
  };
}
