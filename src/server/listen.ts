/**
 * Binding the app to an address, and the rule for binds: on a loopback address tokens are
 * optional (only this machine can connect); on any other address every request needs a token, so
 * the server refuses to start until at least one exists.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { GreenmlError } from '../core/index.js';
import type { Store } from '../store/index.js';
import type { App } from './routes/kit.js';

export interface ListenOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** How long close() lets requests in flight finish before cutting connections, ms. Default 5000. */
  graceMs?: number;
}

export interface Listening {
  url: string;
  host: string;
  port: number;
  /** Stops accepting, lets requests in flight finish (up to graceMs), then closes every connection. */
  close(): Promise<void>;
}

export function isLoopback(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Whether requests need tokens on this bind; throws when a non-loopback bind has no token to accept. */
export async function checkBindPolicy(host: string, store: Store): Promise<{ authRequired: boolean }> {
  if (isLoopback(host)) return { authRequired: false };
  const active = (await store.listTokens()).filter((t) => t.revokedAt === null);
  if (active.length === 0) {
    throw new GreenmlError(
      'INVALID_INPUT',
      `Binding to ${host} exposes the API beyond this machine, so every request needs an API token, and ${store.location} has none. ` +
        'Create one first (greenml tokens create --project <name> --scope ingest, or --all-projects --scope admin), ' +
        'or bind to 127.0.0.1.',
    );
  }
  return { authRequired: true };
}

export function listen(app: App, opts: ListenOptions): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: opts.host, port: opts.port });
    const onError = (e: NodeJS.ErrnoException): void => {
      const why = e.code === 'EADDRINUSE' ? `port ${opts.port} is in use (pick another with --port, or 0 for any free port)` : e.code === 'EADDRNOTAVAIL' ? `${opts.host} is not an address of this machine` : e.message;
      reject(new GreenmlError('INVALID_INPUT', `Cannot listen on ${opts.host}:${opts.port}: ${why}.`, { cause: e }));
    };
    server.once('error', onError);
    server.once('listening', () => {
      server.off('error', onError);
      const address = server.address() as AddressInfo;
      const host = address.address;
      const shown = host.includes(':') ? `[${host}]` : host;
      const http = server as Server;
      resolve({
        url: `http://${shown}:${address.port}`,
        host,
        port: address.port,
        close: () =>
          new Promise<void>((done) => {
            const timer = setTimeout(() => http.closeAllConnections(), opts.graceMs ?? 5000);
            http.close(() => {
              clearTimeout(timer);
              done();
            });
            http.closeIdleConnections();
          }),
      });
    });
  });
}
