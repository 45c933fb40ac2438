import { startLoopbackServer, type LoopbackServer } from './httpServer.ts';

export interface ReceivedWebhook {
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface WebhookReceiver extends LoopbackServer {
  received: ReceivedWebhook[];
  /** The next `count` deliveries answer `status` (with `headers`, e.g. Retry-After) without being recorded. */
  failNext(count: number, status: number, headers?: Record<string, string>): void;
  /** When each delivery attempt arrived (performance.now()), failed ones included. */
  arrivals: number[];
  /** Waits until at least `count` deliveries arrived (the outbox delivers a moment after the run ends); answers them all. */
  untilReceived(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
}

/** Records every JSON POST it gets and answers 204, unless told to fail. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const arrivals: number[] = [];
  let faults: { count: number; status: number; headers?: Record<string, string> } = { count: 0, status: 500 };
  const server = await startLoopbackServer((req, body, res) => {
    arrivals.push(performance.now());
    if (faults.count > 0) {
      faults.count -= 1;
      res.writeHead(faults.status, faults.headers).end();
      return;
    }
    received.push({ headers: req.headers, body: JSON.parse(body) as unknown });
    res.writeHead(204).end();
  });
  const untilReceived = async (count: number, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    while (received.length < count) {
      if (Date.now() > deadline) throw new Error(`${received.length} of ${count} deliveries within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return received;
  };
  return { ...server, received, arrivals, untilReceived, failNext: (count, status, headers) => (faults = { count, status, headers }) };
}
