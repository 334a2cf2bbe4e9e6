/**
 * Real headless Chromium for the dashboard tests: Debian's `chromium` driven by playwright-core
 * (never a downloaded browser), a fresh profile per launch, and the dashboard served by the real
 * server over a seeded SQLite store. Tests skip, saying why, where /usr/bin/chromium is missing.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'web');

export const hasChromium = existsSync(CHROMIUM);
export const skipReason = `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) to run the dashboard's browser tests`;

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** One browser per test file, with a profile of its own that is removed on close. */
export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'greenml-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    colorScheme: 'light',
    timezoneId: 'UTC',
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * The built dashboard: dist/web when it is newer than the sources it is built from, else a fresh
 * Vite build into a temporary folder (so the tests never check a stale bundle).
 */
export async function webRoot(): Promise<{ dir: string; cleanup: () => void }> {
  const dist = join(ROOT, 'dist', 'web');
  const built = existsSync(join(dist, 'index.html')) ? statSync(join(dist, 'index.html')).mtimeMs : 0;
  const sources = Math.max(newestMtime(join(ROOT, 'src', 'web')), newestMtime(join(ROOT, 'src', 'core')), statSync(join(ROOT, 'vite.config.ts')).mtimeMs);
  if (built >= sources) return { dir: dist, cleanup: () => undefined };
  const { build } = await import('vite');
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, '.tmp', 'web-'));
  await build({ configFile: join(ROOT, 'vite.config.ts'), root: join(ROOT, 'src', 'web'), logLevel: 'warn', build: { outDir: dir, emptyOutDir: true } });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Collects uncaught errors and console errors of a page, to assert there were none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return errors;
}

/** Saves a full-page screenshot under test-artifacts/web/ (ignored by git) and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Saves one element (a chart, a panel) as a PNG under test-artifacts/web/. */
export async function screenshotOf(page: Page, selector: string, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.locator(selector).first().screenshot({ path });
  return path;
}

/** Waits until the chart labelled `label` is drawn and returns its ECharts aria description. */
export async function chartDescription(page: Page, label: string): Promise<string> {
  const el = page.locator(`[data-chart="${label}"][data-rendered="true"]`);
  await el.waitFor({ state: 'visible' });
  // A string, evaluated in the page: this file is type-checked without the DOM library.
  await page.waitForFunction(`(document.querySelector('[data-chart="${label}"]')?.getAttribute('aria-label') ?? '').length > 0`);
  return (await el.getAttribute('aria-label')) ?? '';
}
