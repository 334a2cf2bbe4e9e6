import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/depcruise', import.meta.url));

function cruise(cwd: string, target: string): { violations: { rule: { name: string }; from: string; to: string }[] } {
  const out = execFileSync(process.execPath, [`${root}/node_modules/dependency-cruiser/bin/dependency-cruise.mjs`, target, '--config', `${root}/.dependency-cruiser.cjs`, '--output-type', 'json', '--no-cache'], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  }).toString();
  return (JSON.parse(out) as { summary: { violations: { rule: { name: string }; from: string; to: string }[] } }).summary;
}

describe('import direction (dependency-cruiser)', () => {
  it('flags deliberate violations of the layering in a fixture tree', () => {
    const { violations } = cruise(fixture, 'src');
    const names = violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);
    expect(names).toContain('core-is-pure: src/core/impure.ts -> fs');
    expect(names).toContain('ports-by-type-only: src/app/constructs-adapter.ts -> src/store/index.ts');
    expect(names).toContain('catalog-only-core: src/catalog/reaches-up.ts -> src/app/constructs-adapter.ts');
    expect(names.some((n) => n.includes('names-port.ts'))).toBe(false);
  });

  it('finds no violation in the real source tree', () => {
    const { violations } = cruise(root, 'src');
    expect(violations).toEqual([]);
  }, 60_000);
});
