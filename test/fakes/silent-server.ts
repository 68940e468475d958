/** A loopback server that accepts connections and reads requests but never answers: the hang to time out on. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SilentServer {
  /** `http://127.0.0.1:PORT` */
  base: string;
  /** `127.0.0.1:PORT`, what timeout messages name. */
  host: string;
  /** Requests received (each left unanswered). */
  requests: string[];
  close(): Promise<void>;
}

export async function startSilentServer(): Promise<SilentServer> {
  const requests: string[] = [];
  const server = createServer((req) => {
    requests.push(`${req.method ?? 'GET'} ${req.url ?? '/'}`);
    req.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
