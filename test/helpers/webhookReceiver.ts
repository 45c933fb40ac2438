import { startLoopbackServer, type LoopbackServer } from './httpServer.ts';

export interface ReceivedWebhook {
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface WebhookReceiver extends LoopbackServer {
  received: ReceivedWebhook[];
  /** The next `count` deliveries answer `status` without being recorded. */
  failNext(count: number, status: number): void;
}

/** Records every JSON POST it gets and answers 204, unless told to fail. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  let faults = { count: 0, status: 500 };
  const server = await startLoopbackServer((req, body, res) => {
    if (faults.count > 0) {
      faults.count -= 1;
      res.writeHead(faults.status).end();
      return;
    }
    received.push({ headers: req.headers, body: JSON.parse(body) as unknown });
    res.writeHead(204).end();
  });
  return { ...server, received, failNext: (count, status) => (faults = { count, status }) };
}
