import { Agent, createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A loopback HTTP fault proxy for tests: it sits in front of a real (loopback) SPARQL endpoint and
 * misbehaves on demand, switchable at runtime. Loopback only (it listens on 127.0.0.1 and refuses a
 * non-loopback target), bounded (connection cap, a lifetime after which it closes itself) and it
 * counts what it saw.
 */

/**
 * How the proxy treats requests:
 * - `pass`: forward to the target and stream the answer back;
 * - `down`: refuse connections — the listener is closed and every open socket destroyed, so the
 *   port answers ECONNREFUSED until the mode changes (the port number is kept);
 * - `error500`: answer `500 Internal Server Error` (request body consumed);
 * - `hang`: accept the request and never answer (sockets destroyed when the mode changes or the
 *   proxy closes);
 * - `reset`: read part of the request, then destroy the socket (ECONNRESET mid-request).
 *
 * @example
 * ```ts
 * const mode: FaultMode = 'error500';
 * ```
 */
export type FaultMode = 'pass' | 'down' | 'error500' | 'hang' | 'reset';

/**
 * Options of {@link startFaultProxy}.
 *
 * @example
 * ```ts
 * const options: FaultProxyOptions = { target: 'http://127.0.0.1:3030', mode: 'down', lifetimeMs: 60_000 };
 * ```
 */
export interface FaultProxyOptions {
  /** The real endpoint's origin (or any URL on it): must be a loopback `http:` URL. */
  target: string;
  /** Initial mode (default `pass`). */
  mode?: FaultMode;
  /** The proxy closes itself after this long (default 120 000 ms; the timer is unref'ed). */
  lifetimeMs?: number;
  /** Most simultaneous client connections (default 64). */
  maxConnections?: number;
  /**
   * Which requests the HTTP faults (`error500`, `hang`, `reset`) apply to; others pass through
   * (default: all). E.g. `(method) => method === 'POST'` breaks writes and keeps queries working.
   */
  appliesTo?: (method: string, url: string) => boolean;
}

/**
 * A running fault proxy (see {@link startFaultProxy}).
 *
 * @example
 * ```ts
 * const proxy = await startFaultProxy({ target: server.origin });
 * await proxy.setMode('hang');
 * console.log(proxy.requests, proxy.byMode.hang);
 * await proxy.close();
 * ```
 */
export interface FaultProxy {
  /** `http://127.0.0.1:PORT` — stable across mode changes, `down` included. */
  readonly origin: string;
  readonly port: number;
  /** The current mode. */
  readonly mode: FaultMode;
  /** Requests received (in every mode but `down`, where nothing can arrive). */
  readonly requests: number;
  /** Requests received, per mode they met. */
  readonly byMode: Readonly<Record<FaultMode, number>>;
  /** The proxied URL for a path of the target, e.g. `proxy.url('/sparql')`. */
  url(path: string): string;
  /** Switch mode; resolves when the listener state matches it (closed for `down`, open otherwise). */
  setMode(mode: FaultMode): Promise<void>;
  /** Close everything (listener, client and upstream sockets). Idempotent. */
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * Start a fault proxy on 127.0.0.1 (random port) in front of `options.target`.
 *
 * @example
 * ```ts
 * const backend = await startSparqlServer({ store, port: 0 });
 * const proxy = await startFaultProxy({ target: backend.url, mode: 'down' });
 * const endpoint = proxy.url('/sparql');   // refused until…
 * await proxy.setMode('pass');             // …now it reaches the backend
 * ```
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  if (target.protocol !== 'http:' || !LOOPBACK.has(target.hostname)) {
    throw new Error(`fault proxy: target must be a loopback http URL, got ${target.protocol}//${target.hostname}`);
  }
  const targetPort = Number(target.port || 80);
  const maxConnections = options.maxConnections ?? 64;
  const upstream = new Agent({ keepAlive: true, maxSockets: maxConnections });
  const sockets = new Set<Socket>();
  const hung = new Set<Socket>();
  const byMode: Record<FaultMode, number> = { pass: 0, down: 0, error500: 0, hang: 0, reset: 0 };
  let mode: FaultMode = options.mode ?? 'pass';
  let server: Server | undefined;
  let port = 0;
  let closed = false;

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const m = mode === 'pass' || !options.appliesTo || options.appliesTo(req.method ?? '', req.url ?? '') ? mode : 'pass';
    byMode[m]++;
    switch (m) {
      case 'pass':
        return forward(req, res);
      case 'error500':
        req.resume();
        req.on('end', () => {
          res.writeHead(500, { 'content-type': 'text/plain', connection: 'close' });
          res.end('fault proxy: injected 500');
        });
        return;
      case 'hang':
        hung.add(req.socket);
        req.resume(); // read the body, never answer
        return;
      case 'reset': {
        const kill = () => req.socket.destroy();
        req.once('data', kill); // mid-request: after the first body chunk…
        req.once('end', kill); // …or at once for a bodiless request
        return;
      }
      case 'down': // a request that raced the close
        req.socket.destroy();
    }
  }

  function forward(req: IncomingMessage, res: ServerResponse): void {
    const headers = { ...req.headers, host: `${target.hostname}:${targetPort}` };
    const up = httpRequest(
      { host: target.hostname, port: targetPort, method: req.method, path: req.url, headers, agent: upstream },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      },
    );
    up.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end('fault proxy: upstream error');
      else res.destroy();
    });
    req.pipe(up);
  }

  function listen(): Promise<void> {
    const s = createServer(handle);
    s.maxConnections = maxConnections;
    s.keepAliveTimeout = 2_000;
    s.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => {
        sockets.delete(socket);
        hung.delete(socket);
      });
    });
    server = s;
    return new Promise((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        s.off('error', reject);
        port = (s.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  function unlisten(): Promise<void> {
    const s = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    if (!s) return Promise.resolve();
    return new Promise((resolve) => s.close(() => resolve()));
  }

  async function setMode(next: FaultMode): Promise<void> {
    if (closed) throw new Error('fault proxy is closed');
    const prev = mode;
    mode = next;
    if (prev === 'hang' && next !== 'hang') for (const socket of hung) socket.destroy();
    if (next === 'down' && server) await unlisten();
    else if (next !== 'down' && !server) await listen();
  }

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    clearTimeout(lifetime);
    await unlisten();
    upstream.destroy();
  };
  const lifetime = setTimeout(() => void close(), options.lifetimeMs ?? 120_000);
  lifetime.unref();

  await listen(); // bind once to get the port, even when starting `down`
  if (mode === 'down') await unlisten();
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    port,
    get mode() {
      return mode;
    },
    get requests() {
      return byMode.pass + byMode.error500 + byMode.hang + byMode.reset + byMode.down;
    },
    byMode,
    url: (path: string) => `${origin}${path.startsWith('/') ? path : `/${path}`}`,
    setMode,
    close,
  };
}
