import { createServer, type AddressInfo } from 'node:net';

/** A loopback TCP port that was free a moment ago: the OS picks it, we release it for the caller. */
export function findFreePort(): Promise<number> {
  return bindAndRelease(0, '127.0.0.1');
}

/** Whether `port` can be bound at `host` right now, i.e. nothing else listens there. */
export function isPortFree(port: number, host: string): Promise<boolean> {
  return bindAndRelease(port, host).then(() => true, () => false);
}

function bindAndRelease(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, host, () => {
      const bound = (server.address() as AddressInfo).port;
      server.close(() => resolve(bound));
    });
  });
}
