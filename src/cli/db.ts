/**
 * Opening the store from the command line: `--db` beats GREENML_DB beats the config file beats
 * the default path in the user's data directory ($XDG_DATA_HOME/greenml/greenml.db).
 */
import { homedir } from 'node:os';
import type { Store } from '../store/index.js';
import { resolveSettings } from './config.js';

export async function resolveDbLocation(opts: { db?: string }): Promise<string> {
  const { values } = resolveSettings({ flags: { db: opts.db }, env: process.env, cwd: process.cwd() });
  if (values.db) return values.db;
  const { defaultDbPath } = await import('../store/index.js');
  return defaultDbPath(process.env, homedir());
}

export async function openCliStore(opts: { db?: string }): Promise<Store> {
  const location = await resolveDbLocation(opts);
  const { openStore } = await import('../store/index.js');
  return openStore(location);
}
