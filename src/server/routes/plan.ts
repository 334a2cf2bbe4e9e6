/** Planning over HTTP: the body of `greenml plan` as JSON, ranked by the app's plan verb. */
import { createRoute, z } from '@hono/zod-openapi';
import type { RunSource } from '../../app/index.js';
import { GOALS, PRECISIONS, PRICINGS, type PlanResult } from '../../core/index.js';
import { document } from '../record-schemas.js';
import { requireProject, requireScope, type Principal } from '../auth.js';
import type { PlanFn } from '../deps.js';
import { jsonBody, jsonContent, pick, type App, type RouteContext } from './kit.js';
import type { Store } from '../../store/index.js';

const count = z.number().positive();

export const PlanRequestSchema = z
  .strictObject({
    workload: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('training'), params: count, tokens: count, mfu: z.number().gt(0).max(1).optional(), bytesPerParam: count.optional() }),
      z.strictObject({ kind: z.literal('accelerator-hours'), hours: count, on: z.string().min(1) }),
      z.strictObject({ kind: z.literal('run'), runId: z.string().min(1), on: z.string().min(1).optional() }),
    ]),
    precision: z.enum(PRECISIONS).optional(),
    bound: z.enum(['compute', 'memory']).optional(),
    powerUtilization: z.number().gt(0).max(1).optional(),
    constraints: z
      .strictObject({
        providers: z.array(z.string()).optional(),
        regions: z.array(z.string()).optional(),
        pricing: z.array(z.enum(PRICINGS)).optional(),
        minGpuMemoryGb: z.number().positive().optional(),
        deadlineS: z.number().positive().optional(),
        budgetUsd: z.number().positive().optional(),
      })
      .optional(),
    optimize: z.enum(GOALS).optional(),
    current: z.string().optional().openapi({ description: '"<instance>@<region>[:<pricing>]"' }),
    spotOverhead: z.number().min(0).max(10).optional(),
    nodes: z.number().int().positive().optional(),
  })
  .openapi('PlanRequest');

const PlanResultSchema = document<PlanResult>(
  'PlanResult',
  'PlanResult of src/core/plan/types.ts (docs/planning.md): workload, optimize, evaluated, remaining, options best first, paretoIds, current, recommendations, assumptions.',
);

/** Measured runs as the caller may see them: a project token reads only its project's runs. */
function runsFor(store: Store, p: Principal): RunSource {
  return {
    async getRun(idOrPrefix) {
      const run = await store.getRun(idOrPrefix);
      if (run) requireProject(p, run.project);
      return run;
    },
    listSamples: (runId) => store.listSamples(runId),
  };
}

export function registerPlanRoutes(app: App, { store }: RouteContext, plan: PlanFn): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/plan',
      tags: ['plan'],
      summary: 'Rank instance x region x pricing options for a workload on cost, carbon and time',
      request: { body: jsonBody(PlanRequestSchema) },
      responses: { 200: jsonContent(PlanResultSchema, 'Options best first, the Pareto front and recommendations'), ...pick(400, 401, 403, 404, 413, 422) },
    }),
    async (c) => {
      const p = c.get('principal');
      requireScope(p, 'read');
      return c.json(await plan(c.req.valid('json'), { runs: runsFor(store, p) }), 200);
    },
  );
}
