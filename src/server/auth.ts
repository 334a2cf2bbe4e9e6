/**
 * Who is asking: the token in `Authorization: Bearer gml_...` resolved to a principal (scope and
 * project), or, on a loopback bind where tokens are optional, an anonymous principal with every
 * right. Scopes nest read < ingest < admin; a project token sees only its project.
 */
import type { MiddlewareHandler } from 'hono';
import { GreenmlError, type TokenScope } from '../core/index.js';
import type { Store } from '../store/index.js';
import { hashApiToken, looksLikeToken, sameDigest } from './tokens.js';

export interface Principal {
  /** null: no token was sent (allowed only when tokens are optional). */
  tokenId: string | null;
  scope: TokenScope;
  /** The one project this principal may touch; null for all. */
  project: string | null;
}

export type AuthEnv = { Variables: { principal: Principal } };

const RANK: Record<TokenScope, number> = { read: 0, ingest: 1, admin: 2 };

/** How often lastUsedAt is written per token: once a minute keeps ingest from writing twice per batch. */
const TOUCH_EVERY_MS = 60_000;

const HOW = 'Send Authorization: Bearer gml_... with a token from `greenml tokens create --project <name> --scope read|ingest|admin`.';

export function authenticate(opts: { store: Store; clock: () => number; required: boolean }): MiddlewareHandler<AuthEnv> {
  const touched = new Map<string, number>();
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (header === undefined || header.trim() === '') {
      if (opts.required) throw new GreenmlError('UNAUTHENTICATED', `This server requires an API token. ${HOW}`);
      c.set('principal', { tokenId: null, scope: 'admin', project: null });
      return next();
    }
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw new GreenmlError('UNAUTHENTICATED', `The Authorization header must be "Bearer <token>". ${HOW}`);
    const token = m[1] as string;
    if (!looksLikeToken(token)) throw new GreenmlError('UNAUTHENTICATED', `That is not a greenml API token (they look like gml_ followed by 43 characters). ${HOW}`);
    const hash = hashApiToken(token);
    const found = await opts.store.findTokenByHash(hash);
    if (!found || !sameDigest(found.hash, hash)) throw new GreenmlError('UNAUTHENTICATED', `Unknown API token. ${HOW}`);
    if (found.revokedAt !== null) throw new GreenmlError('UNAUTHENTICATED', `This API token (${found.id}) was revoked. ${HOW}`);
    const now = opts.clock();
    const last = touched.get(found.id) ?? found.lastUsedAt ?? -Infinity;
    if (now - last >= TOUCH_EVERY_MS) {
      touched.set(found.id, now);
      await opts.store.touchToken(found.id, now);
    }
    c.set('principal', { tokenId: found.id, scope: found.scope, project: found.project });
    return next();
  };
}

const who = (p: Principal): string => (p.tokenId === null ? 'this request' : `token ${p.tokenId}`);

export function requireScope(p: Principal, scope: TokenScope): void {
  if (RANK[p.scope] < RANK[scope]) {
    throw new GreenmlError('FORBIDDEN', `This needs the ${scope} scope; ${who(p)} has ${p.scope}. Create a token with --scope ${scope}.`, {
      details: { need: scope, have: p.scope },
    });
  }
}

export function requireProject(p: Principal, project: string): void {
  if (p.project !== null && p.project !== project) {
    throw new GreenmlError('FORBIDDEN', `${who(p)} may only use project "${p.project}", not "${project}".`, {
      details: { project, allowed: p.project },
    });
  }
}

export function requireAllProjects(p: Principal, what: string): void {
  if (p.project !== null) throw new GreenmlError('FORBIDDEN', `${what} needs a token for all projects; ${who(p)} is limited to "${p.project}".`);
}

export function can(p: Principal, scope: TokenScope, project: string): boolean {
  return RANK[p.scope] >= RANK[scope] && (p.project === null || p.project === project);
}

/** A listing's project filter for this principal: its own project, or the one asked for. */
export function narrowProject(p: Principal, requested: string | undefined): string | undefined {
  if (p.project === null) return requested;
  if (requested !== undefined) requireProject(p, requested);
  return p.project;
}
