import type { Context } from 'hono';
import type { z } from 'zod';
import { ValidationError, type FieldError } from '../lib/errors.ts';

export function fieldErrorsOf(error: z.ZodError, prefix: string[] = []): FieldError[] {
  return error.issues.map((issue) => ({ path: [...prefix, ...issue.path.map(String)].join('.') || '(body)', message: issue.message }));
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown, prefix: string[] = []): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ValidationError(fieldErrorsOf(parsed.error, prefix));
  return parsed.data;
}

/** The request's JSON body, validated; a body that is not JSON is a validation error too. */
export async function jsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new ValidationError([{ path: '(body)', message: 'must be a JSON object' }]);
  }
  return parseWith(schema, body);
}

export function queryOf<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return parseWith(schema, c.req.query());
}

export function pathParamsOf<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return parseWith(schema, c.req.param());
}
