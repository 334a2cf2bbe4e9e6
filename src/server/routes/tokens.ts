/**
 * The Store port's token operations over HTTP, for an admin token of all projects (how
 * `greenml tokens --server` and store copies reach a remote server's tokens). Secrets never pass:
 * clients send and receive SHA-256 digests only.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { GreenmlError } from '../../core/index.js';
import { requireAllProjects, requireScope, type Principal } from '../auth.js';
import { HashParam, IdParam } from '../query-schemas.js';
import { TokenSchema, epochMs } from '../record-schemas.js';
import { jsonBody, jsonContent, notFound, pick, type App, type RouteContext } from './kit.js';

const tag = ['tokens'];

const admin = (p: Principal): void => {
  requireScope(p, 'admin');
  requireAllProjects(p, 'Managing tokens');
};

export function registerTokenRoutes(app: App, { store, clock }: RouteContext): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/tokens',
      tags: tag,
      summary: 'Every token, oldest first (digests, never secrets)',
      responses: { 200: jsonContent(z.object({ tokens: z.array(TokenSchema) }), 'Tokens'), ...pick(401, 403, 503) },
    }),
    async (c) => {
      admin(c.get('principal'));
      return c.json({ tokens: await store.listTokens() }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/tokens',
      tags: tag,
      summary: 'Store a token record (the client computed the digest)',
      request: { body: jsonBody(TokenSchema) },
      responses: { 201: { description: 'Stored' }, ...pick(400, 401, 403, 409, 503) },
    }),
    async (c) => {
      admin(c.get('principal'));
      await store.createToken(c.req.valid('json'));
      return c.body(null, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/v1/tokens/{id}',
      tags: tag,
      summary: 'Upsert a token record under its id (for copies)',
      request: { params: IdParam, body: jsonBody(TokenSchema) },
      responses: { 204: { description: 'Stored' }, ...pick(400, 401, 403, 503) },
    }),
    async (c) => {
      admin(c.get('principal'));
      const { id } = c.req.valid('param');
      const token = c.req.valid('json');
      if (token.id !== id) throw new GreenmlError('INVALID_INPUT', `The body's id "${token.id}" differs from the path's "${id}".`, { details: { field: 'id' } });
      await store.importToken(token);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/tokens/by-hash/{hash}',
      tags: tag,
      summary: 'The token with this SHA-256 digest, revoked or not',
      request: { params: HashParam },
      responses: { 200: jsonContent(TokenSchema, 'The token'), ...pick(400, 401, 403, 404, 503) },
    }),
    async (c) => {
      admin(c.get('principal'));
      const { hash } = c.req.valid('param');
      const token = await store.findTokenByHash(hash);
      if (!token) throw notFound('token', `${hash.slice(0, 12)}...`);
      return c.json(token, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/tokens/{id}/revoke',
      tags: tag,
      summary: 'Revoke a token',
      request: { params: IdParam, body: jsonBody(z.strictObject({ nowMs: epochMs().optional() })) },
      responses: { 200: jsonContent(z.object({ revoked: z.boolean() }), 'false when absent or revoked already'), ...pick(400, 401, 403, 503) },
    }),
    async (c) => {
      admin(c.get('principal'));
      const { id } = c.req.valid('param');
      return c.json({ revoked: await store.revokeToken(id, c.req.valid('json').nowMs ?? clock()) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/tokens/{id}/touch',
      tags: tag,
      summary: "Set a token's last use",
      request: { params: IdParam, body: jsonBody(z.strictObject({ nowMs: epochMs() })) },
      responses: { 204: { description: 'Done' }, ...pick(400, 401, 403, 503) },
    }),
    async (c) => {
      admin(c.get('principal'));
      const { id } = c.req.valid('param');
      await store.touchToken(id, c.req.valid('json').nowMs);
      return c.body(null, 204);
    },
  );
}
