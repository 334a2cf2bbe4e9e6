import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { keepAlive } from './sqlite-keepalive.js';

describe('keepAlive (better-sqlite3 on Node 24)', () => {
  it('prepares each SQL text once and reuses it, so no statement becomes garbage', () => {
    const db = keepAlive(new Database(':memory:'));
    const a = db.prepare('select 1 as x');
    expect(db.prepare('select 1 as x')).toBe(a);
    expect(db.prepare('select 2 as x')).not.toBe(a);
    expect(a.get()).toEqual({ x: 1 });
    db.close();
  });

  it('gives a second statement while the first is still iterating', () => {
    const db = keepAlive(new Database(':memory:'));
    const sql = 'select value from json_each(?)';
    const outer = db.prepare(sql);
    const seen: number[] = [];
    for (const row of outer.iterate('[1,2]') as Iterable<{ value: number }>) {
      const inner = db.prepare(sql);
      expect(inner).not.toBe(outer);
      seen.push(row.value, ...(inner.all('[10]') as Array<{ value: number }>).map((r) => r.value));
    }
    expect(seen).toEqual([1, 10, 2, 10]);
    db.close();
  });
});
