/**
 * Serving the built dashboard (src/server/static.ts) without a browser: which paths get files,
 * which get index.html, which stay the API's, and the cache, security and encoding headers.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_CSP, mountDashboard } from '../../src/server/static.js';

describe('mountDashboard', () => {
  let root: string;
  let app: Hono<{ Variables: object }>;
  const js = 'console.log("dashboard")';

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'greenml-static-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><main id="app"></main>');
    writeFileSync(join(root, 'assets', 'index-abc123.js'), js);
    writeFileSync(join(root, 'assets', 'index-abc123.js.gz'), gzipSync(js));
    app = new Hono<{ Variables: object }>();
    app.get('/api/v1/health', (c) => c.json({ ok: true }));
    expect(mountDashboard(app, root)).toBe(true);
    app.notFound((c) => c.json({ error: { code: 'NOT_FOUND', message: 'no route' } }, 404));
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('serves index.html at / with a CSP and revalidation', async () => {
    const res = await app.request('/');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<main id="app">');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-security-policy')).toBe(DASHBOARD_CSP);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('serves hashed assets as immutable, gzipped to clients that accept it', async () => {
    const plain = await app.request('/assets/index-abc123.js');
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toMatch(/javascript/);
    expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe(js);
    const gz = await app.request('/assets/index-abc123.js', { headers: { 'accept-encoding': 'gzip, br' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gz.headers.get('vary')).toMatch(/accept-encoding/i);
  });

  it('opens the dashboard for other paths, leaves the API its own answers, and refuses traversal', async () => {
    expect(await (await app.request('/runs/01ABC')).text()).toContain('<main id="app">');
    expect(await (await app.request('/api/v1/health')).json()).toEqual({ ok: true });
    const missing = await app.request('/api/v1/nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect((await app.request('/metrics-not-really')).status).toBe(200);
    const traversal = await app.request('/assets/..%2f..%2fetc%2fpasswd');
    expect(await traversal.text()).not.toContain('root:');
  });

  it('mounts nothing where the dashboard is not built', () => {
    const bare = new Hono<{ Variables: object }>();
    expect(mountDashboard(bare, join(root, 'nowhere'))).toBe(false);
    expect(mountDashboard(bare, null)).toBe(false);
  });
});
