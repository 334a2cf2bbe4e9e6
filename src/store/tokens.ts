/** API tokens: only the caller-computed SHA-256 of the secret is stored. */
import { GreenmlError, type ApiTokenRecord } from '../core/index.js';
import { count, type Db } from './query-kit.js';
import { rowToToken, tokenToRow } from './rows.js';
import { id, int, tokenHash, validateToken } from './validate.js';

export async function createToken(db: Db, token: ApiTokenRecord): Promise<void> {
  validateToken(token);
  const res = await db
    .insertInto('api_tokens')
    .values(tokenToRow(token))
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  if (count(res.numInsertedOrUpdatedRows) === 0) {
    throw new GreenmlError('CONFLICT', `A token with id "${token.id}" or the same hash exists already. Generate a new token.`, {
      details: { id: token.id },
    });
  }
}

export async function importToken(db: Db, token: ApiTokenRecord): Promise<void> {
  validateToken(token);
  const { id: _id, ...values } = tokenToRow(token);
  await db
    .insertInto('api_tokens')
    .values(tokenToRow(token))
    .onConflict((oc) => oc.column('id').doUpdateSet(values))
    .execute();
}

export async function findTokenByHash(db: Db, hash: string): Promise<ApiTokenRecord | null> {
  tokenHash(hash);
  const row = await db.selectFrom('api_tokens').selectAll().where('hash', '=', hash).executeTakeFirst();
  return row ? rowToToken(row) : null;
}

export async function listTokens(db: Db): Promise<ApiTokenRecord[]> {
  const rows = await db.selectFrom('api_tokens').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map(rowToToken);
}

export async function revokeToken(db: Db, tokenId: string, nowMs: number): Promise<boolean> {
  id(tokenId, 'id');
  int(nowMs, 'nowMs');
  const res = await db
    .updateTable('api_tokens')
    .set({ revoked_at: nowMs })
    .where('id', '=', tokenId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return count(res.numUpdatedRows) > 0;
}

export async function touchToken(db: Db, tokenId: string, nowMs: number): Promise<void> {
  id(tokenId, 'id');
  int(nowMs, 'nowMs');
  await db.updateTable('api_tokens').set({ last_used_at: nowMs }).where('id', '=', tokenId).execute();
}
