import type { IncomingMessage } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendJson, type LoopbackServer } from './httpServer.ts';

/** One Bot API call as the fake received it. */
export interface TelegramCall {
  token: string;
  method: string;
  chat_id: number | undefined;
  text: string | undefined;
  /** sendPhoto: the caption and the picture's bytes. */
  caption?: string;
  photo?: Buffer;
  offset?: number;
}

export interface FakeTelegram extends LoopbackServer {
  calls: TelegramCall[];
  /** Calls that delivered something (sendMessage, sendPhoto) and were accepted. */
  delivered(): TelegramCall[];
  /** The next `count` sends answer 429 with `retry_after` seconds. */
  throttleNext(count: number, retryAfterSeconds: number): void;
  /** The next `count` sends answer this status (500: transient). */
  failNext(count: number, status: number): void;
  /** Chats that blocked the bot: every send to them answers 403. */
  blocked: Set<number>;
  /** Replies the bot sent to a chat (sendMessage texts). */
  repliesTo(chatId: number): string[];
  /** Queues an update for getUpdates (the bot's long polling). */
  pushUpdate(update: Record<string, unknown>): void;
}

/** A Telegram Bot API of the test's own on 127.0.0.1: counts calls, parses multipart photos, injects 429/403/5xx, serves getUpdates. */
export async function startFakeTelegram(): Promise<FakeTelegram> {
  const calls: TelegramCall[] = [];
  const blocked = new Set<number>();
  const updates: Record<string, unknown>[] = [];
  let nextUpdateId = 1;
  let throttle = { count: 0, retryAfter: 1 };
  let faults = { count: 0, status: 500 };

  const server = createServer((req, res) => {
    void readCall(req).then(
      (call) => {
        calls.push(call);
        if (call.method === 'getUpdates') {
          const pending = updates.filter((update) => (update.update_id as number) >= (call.offset ?? 0));
          // A short stand-in for long polling: an empty answer comes after a moment, not at once.
          setTimeout(() => sendJson(res, 200, { ok: true, result: pending }), pending.length ? 0 : 100);
          return;
        }
        if (throttle.count > 0) {
          throttle.count -= 1;
          sendJson(res, 429, { ok: false, error_code: 429, description: 'Too Many Requests: retry later', parameters: { retry_after: throttle.retryAfter } });
          return;
        }
        if (faults.count > 0) {
          faults.count -= 1;
          sendJson(res, faults.status, { ok: false, error_code: faults.status, description: 'injected fault' });
          return;
        }
        if (call.chat_id !== undefined && blocked.has(call.chat_id)) {
          sendJson(res, 403, { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' });
          return;
        }
        (call as TelegramCall & { accepted?: boolean }).accepted = true;
        sendJson(res, 200, { ok: true, result: { message_id: calls.length, chat: { id: call.chat_id } } });
      },
      () => sendJson(res, 400, { ok: false, error_code: 400, description: 'Bad Request: unreadable body' }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    blocked,
    delivered: () => calls.filter((call) => (call as TelegramCall & { accepted?: boolean }).accepted),
    throttleNext: (count, retryAfter) => (throttle = { count, retryAfter }),
    failNext: (count, status) => (faults = { count, status }),
    repliesTo: (chatId) => calls.filter((call) => call.method === 'sendMessage' && call.chat_id === chatId).map((call) => call.text ?? ''),
    pushUpdate: (update) => updates.push({ update_id: nextUpdateId++, ...update }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `/bot<token>/<method>` with a JSON or multipart body, read the way Telegram reads it. */
async function readCall(req: IncomingMessage): Promise<TelegramCall> {
  const match = /^\/bot([^/]+)\/(\w+)/.exec(req.url ?? '');
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const type = req.headers['content-type'] ?? '';
  const call: TelegramCall = { token: match?.[1] ?? '', method: match?.[2] ?? '', chat_id: undefined, text: undefined };
  if (type.startsWith('multipart/form-data')) {
    const form = await new Request('http://fake/', { method: 'POST', headers: { 'content-type': type }, body: raw }).formData();
    const photo = form.get('photo');
    call.chat_id = Number(form.get('chat_id'));
    const caption = form.get('caption');
    // Multipart normalises line breaks to CRLF; Telegram shows them as plain newlines.
    call.caption = typeof caption === 'string' ? caption.replaceAll('\r\n', '\n') : undefined;
    if (photo instanceof Blob) call.photo = Buffer.from(await photo.arrayBuffer());
  } else if (raw.length > 0) {
    const body = JSON.parse(raw.toString('utf8')) as { chat_id?: number; text?: string; offset?: number };
    call.chat_id = body.chat_id;
    call.text = body.text;
    call.offset = body.offset;
  }
  return call;
}
