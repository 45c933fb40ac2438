import type { Context } from 'hono';
import { z } from 'zod';
import { UnsupportedMediaTypeError, ValidationError, type FieldError } from '../lib/errors.ts';

/** Control characters (NUL breaks PostgreSQL, a newline hides in logs and crons) have no place in any field. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
/** Both databases store `int`: a bigger number is refused here, not by PostgreSQL alone. */
export const INT32_MAX = 2_147_483_647;
/** One object in a body may hold this many keys; more is refused before zod lists every unknown one. */
export const MAX_KEYS_PER_OBJECT = 100;
/** A problem lists this many field errors at most; `detail` says how many more there were. */
export const MAX_FIELD_ERRORS = 20;
const MAX_MESSAGE_LENGTH = 300;

/** A string with no control characters and no lone surrogates (Temporal and the databases refuse those with a 5xx). */
export function text() {
  return z
    .string()
    .refine((value) => !CONTROL_CHARACTER.test(value), { message: 'must not contain control characters', abort: true })
    .refine((value) => value.isWellFormed(), { message: 'must be well-formed Unicode (no lone surrogates)', abort: true });
}

/** A positive id as both databases store it. */
export const positiveInt32 = z.number().int().min(1).max(INT32_MAX);

/** An id in a path or query: decimal digits only (no `0x10`, `1e3`, ` 7`), within `int`. */
export const idText = z
  .string()
  .regex(/^[1-9][0-9]{0,9}$/, 'must be a positive decimal integer')
  .transform(Number)
  .pipe(z.number().max(INT32_MAX, `must be at most ${INT32_MAX}`));

/** One error per field; an unknown key is named by its own path, so a client sees which field to drop. */
export function fieldErrorsOf(error: z.ZodError, prefix: string[] = []): FieldError[] {
  return error.issues.flatMap((issue) => {
    const message = issue.message.length > MAX_MESSAGE_LENGTH ? `${issue.message.slice(0, MAX_MESSAGE_LENGTH)}…` : issue.message;
    const at = [...prefix, ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: [...at, key].join('.'), message: 'is not a field of this request' }));
    return [{ path: at.join('.') || '(body)', message }];
  });
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown, prefix: string[] = []): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ValidationError(fieldErrorsOf(parsed.error, prefix));
  return parsed.data;
}

/** The request's JSON body, validated; a body that is not JSON is a validation error too, and one that is not labelled JSON a 415. */
export async function jsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const mediaType = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'application/json') throw new UnsupportedMediaTypeError(`send the body as application/json${mediaType ? `, not ${mediaType}` : ''}`);
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new ValidationError([{ path: '(body)', message: 'must be a JSON object' }]);
  }
  const crowded = crowdedObjectPath(body);
  if (crowded !== undefined) throw new ValidationError([{ path: crowded || '(body)', message: `has more than ${MAX_KEYS_PER_OBJECT} keys` }]);
  return parseWith(schema, body);
}

/** Like jsonBody, for routes whose body may be left out entirely (read as `{}`). */
export async function optionalJsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  if ((await c.req.text()) === '') return parseWith(schema, {});
  return jsonBody(c, schema);
}

/** The path of the first object with too many keys, or undefined; iterative so a deeply nested body cannot overflow the stack. */
export function crowdedObjectPath(value: unknown): string | undefined {
  const pending: [unknown, string][] = [[value, '']];
  while (pending.length) {
    const [node, path] = pending.pop()!;
    if (node === null || typeof node !== 'object') continue;
    const entries = Object.entries(node);
    if (!Array.isArray(node) && entries.length > MAX_KEYS_PER_OBJECT) return path;
    for (const [key, child] of entries) pending.push([child, path ? `${path}.${key}` : key]);
  }
  return undefined;
}

export function queryOf<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return parseWith(schema, c.req.query());
}

export function pathParamsOf<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return parseWith(schema, c.req.param());
}
