/** Serves a duet app with @hono/node-server and shuts down gracefully on SIGTERM/SIGINT. */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Duet } from '../../src/duet.ts';

export interface NodeServer {
  url: string;
  close(): Promise<void>;
  /**
   * Resolves once no request is in flight and none arrived for `quietMs` (or after `maxWaitMs` anyway):
   * when background work (warming the type-checker) delays nobody.
   */
  whenQuiet(quietMs: number, maxWaitMs?: number): Promise<void>;
  /** Requests in flight, requests so far, and when the last one started or ended (performance.now()). */
  activity(): { inFlight: number; requests: number; lastActivity: number };
}

export interface ServeOptions {
  port: number;
  host: string;
  /** Exit on SIGTERM/SIGINT after a graceful close (default true). */
  signals?: boolean;
  /** Runs after the server stopped accepting and finished its requests (e.g. closes the sandbox pool). */
  onClose?: () => Promise<void>;
}

export function serveNode(duet: Duet, options: ServeOptions): Promise<NodeServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: duet.app.fetch, port: options.port, hostname: options.host });
    let inFlight = 0;
    let requests = 0;
    let lastActivity = performance.now();
    server.on('request', (_request, response: import('node:http').ServerResponse) => {
      inFlight++;
      requests++;
      lastActivity = performance.now();
      response.once('close', () => {
        inFlight--;
        lastActivity = performance.now();
      });
    });
    const whenQuiet = (quietMs: number, maxWaitMs = 2_000) =>
      new Promise<void>((done) => {
        const giveUp = performance.now() + maxWaitMs;
        const check = () => {
          const now = performance.now();
          if ((inFlight === 0 && now - lastActivity >= quietMs) || now >= giveUp) done();
          else setTimeout(check, Math.min(quietMs, 25)).unref();
        };
        check();
      });
    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= new Promise<void>((done) => {
        server.close(() => done());
        // Keep-alive sockets would hold close() open; in-flight requests have had their chance.
        setTimeout(
          () => (server as { closeAllConnections?: () => void }).closeAllConnections?.(),
          5_000,
        ).unref();
      }).then(() => options.onClose?.()));
    server.once('error', (error: NodeJS.ErrnoException) => {
      const hint =
        error.code === 'EADDRINUSE' ? ` (port ${options.port} is taken: pick another with --port)` : '';
      reject(
        new Error(`duet serve: cannot listen on ${options.host}:${options.port}${hint}: ${error.message}`),
      );
    });
    server.once('listening', () => {
      const { port } = server.address() as AddressInfo;
      const host = options.host.includes(':') ? `[${options.host}]` : options.host;
      if (options.signals !== false) {
        for (const signal of ['SIGTERM', 'SIGINT'] as const) {
          process.once(signal, () => {
            console.error(JSON.stringify({ level: 'info', msg: `received ${signal}, shutting down` }));
            close().then(
              () => process.exit(0),
              () => process.exit(1),
            );
          });
        }
      }
      const activity = () => ({ inFlight, requests, lastActivity });
      resolve({ url: `http://${host}:${port}`, close, whenQuiet, activity });
    });
  });
}
