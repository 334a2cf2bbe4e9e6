/**
 * What every route module shares: the typed app, response and body helpers for route
 * definitions, and the record-level access checks (a project token reaching a run or job of
 * another project is refused before anything is read or written).
 */
import { OpenAPIHono, type z } from '@hono/zod-openapi';
import { GreenmlError, isGreenmlError, type JobRecord, type RunRecord, type TokenScope } from '../../core/index.js';
import type { Store } from '../../store/index.js';
import { requireProject, requireScope, type AuthEnv, type Principal } from '../auth.js';
import type { ServerDeps, ServerLimits } from '../deps.js';
import { invalidRequest } from '../errors.js';
import { ErrorSchema } from '../record-schemas.js';

export type App = OpenAPIHono<AuthEnv>;

export interface RouteContext {
  store: Store;
  clock: () => number;
  limits: ServerLimits;
  deps: ServerDeps;
}

export function newApp(): App {
  return new OpenAPIHono<AuthEnv>({
    defaultHook: (result, _c) => {
      if (!result.success) throw invalidRequest(result.target, result.error.issues);
    },
  });
}

export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

export const jsonBody = <T extends z.ZodType>(schema: T, description?: string) => ({
  content: { 'application/json': { schema } },
  required: true as const,
  ...(description ? { description } : {}),
});

const err = (description: string) => jsonContent(ErrorSchema, description);

/** The error responses a route may give, for the OpenAPI document. */
export const errors = {
  400: err('Invalid input (details.field names it)'),
  401: err('Missing, unknown or revoked token'),
  403: err('The token scope or project does not allow this'),
  404: err('No such record'),
  409: err('The record exists or is in a state that forbids this'),
  413: err('Body or batch too large'),
  422: err('No option satisfies the input'),
  502: err('An intensity provider failed'),
  503: err('The store is unavailable'),
} as const;

export const pick = <K extends keyof typeof errors>(...codes: K[]): Pick<typeof errors, K> =>
  Object.fromEntries(codes.map((k) => [k, errors[k]])) as Pick<typeof errors, K>;

export const notFound = (what: 'run' | 'job' | 'project' | 'token', id: string): GreenmlError =>
  new GreenmlError('NOT_FOUND', `No ${what} "${id}" on this server. List them with GET /api/v1/${what === 'project' ? 'projects' : `${what}s`}.`, {
    details: { [what]: id },
  });

/** The run with exactly this id (write routes never resolve prefixes), or null. */
export async function exactRun(store: Store, id: string): Promise<RunRecord | null> {
  try {
    const run = await store.getRun(id);
    return run && run.id === id ? run : null;
  } catch (e) {
    // A short or ambiguous prefix is not an exact id: there is no run by that id.
    if (isGreenmlError(e) && e.code === 'INVALID_INPUT') return null;
    throw e;
  }
}

export async function exactJob(store: Store, id: string): Promise<JobRecord | null> {
  try {
    const job = await store.getJob(id);
    return job && job.id === id ? job : null;
  } catch (e) {
    if (isGreenmlError(e) && e.code === 'INVALID_INPUT') return null;
    throw e;
  }
}

/**
 * Checks that the principal may act on the run with this exact id. Principals for all projects
 * go straight to the store (which answers NOT_FOUND itself); project tokens need the run's project first.
 */
export async function checkRunAccess(store: Store, p: Principal, id: string, scope: TokenScope): Promise<void> {
  requireScope(p, scope);
  if (p.project === null) return;
  const run = await exactRun(store, id);
  if (!run) throw notFound('run', id);
  requireProject(p, run.project);
}

export async function checkJobAccess(store: Store, p: Principal, id: string, scope: TokenScope): Promise<JobRecord | null> {
  requireScope(p, scope);
  if (p.project === null) return null;
  const job = await exactJob(store, id);
  if (!job) throw notFound('job', id);
  requireProject(p, job.project);
  return job;
}
