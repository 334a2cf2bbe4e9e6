/**
 * The dashboard: the files Vite built into dist/web, served at /. The app routes with the URL hash,
 * so the server only needs index.html and the hashed assets; any other GET outside the API gets
 * index.html too (a bookmarked path still opens the dashboard).
 *
 * Headers: hashed files under assets/ never change (cached for a year, immutable); index.html is
 * revalidated so a new build shows at once. A Content-Security-Policy allows only this origin:
 * the bundle needs no CDN, font or inline script (ECharts sets inline styles, hence style-src
 * 'unsafe-inline'). Gzip copies written at build time are sent to clients that accept them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono } from 'hono';

const API = /^\/(api|emissions|metrics)(\/|$)/;

export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const IMMUTABLE = 'public, max-age=31536000, immutable';

function securityHeaders(headers: Headers, html: boolean): void {
  headers.set('X-Content-Type-Options', 'nosniff');
  headers.set('Referrer-Policy', 'no-referrer');
  if (html) {
    headers.set('Content-Security-Policy', DASHBOARD_CSP);
    headers.set('X-Frame-Options', 'DENY');
  }
}

/** Mounts the dashboard when `webRoot` holds an index.html; returns whether it did. */
export function mountDashboard<E extends object>(app: Hono<E & { Variables: object }>, webRoot: string | null | undefined): boolean {
  if (!webRoot || !existsSync(join(webRoot, 'index.html'))) return false;
  const index = readFileSync(join(webRoot, 'index.html'), 'utf8');
  const files = serveStatic({ root: webRoot, precompressed: true });
  app.get('*', async (c, next) => {
    if (API.test(c.req.path)) return next();
    const res = await files(c, next);
    // serveStatic has built the response already: its headers are set on it, not on the context.
    if (res instanceof Response && res.status < 400) {
      const html = (res.headers.get('content-type') ?? '').startsWith('text/html');
      res.headers.set('Cache-Control', c.req.path.startsWith('/assets/') && !html ? IMMUTABLE : 'no-cache');
      securityHeaders(res.headers, html);
    }
    return res;
  });
  app.get('*', (c, next) => {
    if (API.test(c.req.path)) return next();
    const res = c.html(index);
    res.headers.set('Cache-Control', 'no-cache');
    securityHeaders(res.headers, true);
    return res;
  });
  return true;
}
