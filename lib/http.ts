import { ApiError, networkError } from './errors.ts';

export interface HttpRequest {
  method?: 'GET' | 'POST' | 'DELETE';
  headers?: Record<string, string>;
  json?: unknown;
  timeoutMs: number;
}

export interface HttpResponse {
  status: number;
  body: unknown;
  headers: Headers;
}

/** One HTTP exchange with a JSON API; transport failures become network errors, error statuses ApiErrors. */
export async function requestJson(url: string, request: HttpRequest): Promise<HttpResponse> {
  const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
  if (request.json !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(url, {
      method: request.method ?? 'GET',
      headers,
      body: request.json === undefined ? undefined : JSON.stringify(request.json),
      signal: AbortSignal.timeout(request.timeoutMs),
    });
  } catch (error) {
    const reason = error instanceof Error && error.name === 'TimeoutError' ? `timed out after ${request.timeoutMs} ms` : describeCause(error);
    throw networkError(`${request.method ?? 'GET'} ${redactUrl(url)}: ${reason}`, error);
  }
  const text = await response.text();
  const body = parseJson(text);
  if (!response.ok) {
    throw new ApiError(`${request.method ?? 'GET'} ${redactUrl(url)} answered ${response.status}`, response.status, body, retryAfterMs(response.headers.get('retry-after')));
  }
  return { status: response.status, body, headers: response.headers };
}

/** Retry-After in seconds or as an HTTP date (RFC 9110 §10.2.3); absent or unreadable means no hint. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function describeCause(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

/** URLs may carry secrets in their path (Telegram bot tokens): never log them whole. */
export function redactUrl(url: string): string {
  return url.replace(/\/bot[^/]+\//, '/bot***/');
}
