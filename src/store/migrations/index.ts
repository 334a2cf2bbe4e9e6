/**
 * Every migration, in order. Append-only: a released migration is never edited or removed; a
 * schema change is a new entry whose name sorts after the last (see docs/store.md).
 */
import type { Migration } from 'kysely';
import { initial } from './0001-initial.js';
import { budgets } from './0002-budgets.js';

export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-initial': initial,
  '0002-budgets': budgets,
};
