/**
 * A scriptable HTTP server on loopback for registry behaviour a real registry will not show on demand:
 * 500s, 429s, stalls, truncated bodies, wrong digests, odd media types, redirects. Each test installs
 * a handler; every request is recorded (method, path, headers) for assertions.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface FakeServer {
  /** `127.0.0.1:PORT` (or the host name it was started for). */
  host: string;
  port: number;
  requests: RecordedRequest[];
  /** Requests whose path ends with `suffix`. */
  count(suffix: string): number;
  handle(handler: Handler): void;
  close(): Promise<void>;
}

export async function startFakeServer(hostName = '127.0.0.1'): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let handler: Handler = (_req, res) => res.writeHead(404).end();
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers });
    handler(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `${hostName}:${port}`,
    port,
    requests,
    count: (suffix) => requests.filter((r) => r.path.split('?')[0]!.endsWith(suffix)).length,
    handle(next) {
      handler = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Sends `bytes` with a Content-Type (omitted when null) and extra headers. */
export function send(
  res: ServerResponse,
  bytes: Uint8Array,
  contentType: string | null,
  headers: Record<string, string> = {},
): void {
  const all: Record<string, string> = { 'content-length': String(bytes.length), ...headers };
  if (contentType !== null) all['content-type'] = contentType;
  res.writeHead(200, all).end(Buffer.from(bytes));
}

/** Promises `bytes.length` bytes, sends the first `keep`, then cuts the connection. */
export function sendTruncated(
  res: ServerResponse,
  bytes: Uint8Array,
  keep: number,
  contentType: string,
): void {
  res.writeHead(200, { 'content-length': String(bytes.length), 'content-type': contentType });
  res.write(Buffer.from(bytes.subarray(0, keep)), () => {
    setTimeout(() => res.socket?.destroy(), 20);
  });
}

export function registryError(res: ServerResponse, status: number, code: string, headers = {}): void {
  const body = JSON.stringify({ errors: [{ code, message: code.toLowerCase().replace(/_/g, ' ') }] });
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);
}
