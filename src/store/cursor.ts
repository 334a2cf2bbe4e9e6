/**
 * Keyset cursors: the sort value and id of the last row of a page, with the ordering they belong
 * to, so the next page starts strictly after it (stable with ties, no OFFSET scans).
 */
import { GreenmlError } from '../core/index.js';

export interface Keyset {
  v: number;
  id: string;
}

export function encodeCursor(scope: string, key: Keyset): string {
  return Buffer.from(JSON.stringify({ s: scope, v: key.v, id: key.id }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, scope: string): Keyset {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  const p = parsed as { s?: unknown; v?: unknown; id?: unknown } | null;
  if (!p || typeof p.v !== 'number' || !Number.isFinite(p.v) || typeof p.id !== 'string') {
    throw new GreenmlError('INVALID_INPUT', 'The cursor is not one this store issued. Pass the nextCursor of the previous page unchanged.', {
      details: { field: 'cursor' },
    });
  }
  if (p.s !== scope) {
    throw new GreenmlError('INVALID_INPUT', `The cursor belongs to another listing (${String(p.s)}, not ${scope}). Keep the same sort and order across pages.`, {
      details: { field: 'cursor' },
    });
  }
  return { v: p.v, id: p.id };
}
