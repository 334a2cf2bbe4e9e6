/**
 * Scheduled jobs: schedule one (through the scheduler the CLI plugs in), list, get and cancel them,
 * and the Store port's job operations for agents and adapters (create, copy, compare-and-set,
 * claim, lease renewal).
 */
import { createRoute, z } from '@hono/zod-openapi';
import { GreenmlError, JOB_STATES, type JobState } from '../../core/index.js';
import { narrowProject, requireAllProjects, requireProject, requireScope } from '../auth.js';
import type { ScheduleInput } from '../deps.js';
import { IdParam, JobListQuery } from '../query-schemas.js';
import { JobPatchSchema, JobSchema, epochMs } from '../record-schemas.js';
import { checkJobAccess, jsonBody, jsonContent, notFound, pick, type App, type RouteContext } from './kit.js';

const tag = ['jobs'];
const FINAL: readonly JobState[] = ['succeeded', 'failed', 'missed', 'cancelled'];
const CANCELLABLE: JobState[] = JOB_STATES.filter((s) => !FINAL.includes(s));

const stringMap = z.record(z.string(), z.string());

export const ScheduleSchema = z
  .strictObject({
    project: z.string().min(1).max(200).optional().openapi({ description: "Default: the token's project, else \"default\"" }),
    name: z.string().nullable().optional(),
    command: z.array(z.string()).min(1),
    cwd: z.string().nullable().optional(),
    env: stringMap.optional(),
    labels: stringMap.optional(),
    durationS: z.number().positive().openapi({ description: 'Expected run time, seconds' }),
    earliestStartMs: epochMs('Not before this (default now)').optional(),
    deadlineMs: epochMs('Finished by this'),
    regions: z.array(z.string().min(1)).min(1).openapi({ description: 'Candidate zones or provider:region ids; one means "shift in time only"' }),
    interruptible: z.boolean().optional(),
    minChunkS: z.number().min(0).optional().openapi({ description: 'Interruptible jobs: shortest piece worth resuming for, seconds (default 1800, capped at durationS); ignored otherwise' }),
    maxPauses: z.number().int().min(0).optional().openapi({ description: 'Interruptible jobs: most pauses (default 3); ignored otherwise' }),
    resumeCommand: z.array(z.string()).min(1).optional().openapi({ description: 'Interruptible jobs: run in the next window instead of pausing the process' }),
    onLost: z.enum(['fail', 'retry']).optional().openapi({ description: "When the job's agent is lost mid-run: fail it, or retry it on another agent (default: the agent's policy, fail)" }),
    energyKwh: z.number().min(0).optional().openapi({ description: "The job's energy, kWh, for grams (default: figures per kWh)" }),
    minSavingRatio: z.number().min(0).lt(1).optional().openapi({ description: 'Shift only for at least this predicted saving, 0..1 (default 0.05)' }),
  })
  .openapi('ScheduleRequest');

const JobPageSchema = z.object({ jobs: z.array(JobSchema), nextCursor: z.string().nullable() }).openapi('JobPage');
const StateOrStates = z.union([z.enum(JOB_STATES), z.array(z.enum(JOB_STATES)).min(1)]);

export function registerJobRoutes(app: App, { store, clock, deps }: RouteContext): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/schedule',
      tags: tag,
      summary: 'Schedule a job in its lowest-carbon window before its deadline',
      request: { body: jsonBody(ScheduleSchema) },
      responses: { 201: jsonContent(JobSchema, 'The scheduled job with its plan'), ...pick(400, 401, 403, 404, 413, 422, 502, 503) },
    }),
    async (c) => {
      const p = c.get('principal');
      requireScope(p, 'ingest');
      const b = c.req.valid('json');
      const nowMs = clock();
      const input: ScheduleInput = {
        project: b.project ?? p.project ?? 'default',
        name: b.name ?? null,
        command: b.command,
        cwd: b.cwd ?? null,
        env: b.env ?? {},
        labels: b.labels ?? {},
        durationS: b.durationS,
        earliestStartMs: b.earliestStartMs ?? nowMs,
        deadlineMs: b.deadlineMs,
        regions: b.regions,
        interruptible: b.interruptible ?? false,
        // Pause settings mean nothing to a job that runs in one piece (a client may send its defaults).
        ...(b.interruptible && b.minChunkS !== undefined ? { minChunkS: b.minChunkS } : {}),
        ...(b.interruptible && b.maxPauses !== undefined ? { maxPauses: b.maxPauses } : {}),
        ...(b.resumeCommand ? { resumeCommand: b.resumeCommand } : {}),
        ...(b.onLost ? { onLost: b.onLost } : {}),
        ...(b.energyKwh !== undefined ? { energyKwh: b.energyKwh } : {}),
        ...(b.minSavingRatio !== undefined ? { minSavingRatio: b.minSavingRatio } : {}),
      };
      requireProject(p, input.project);
      if (!deps.schedule) {
        throw new GreenmlError('NOT_FOUND', 'This server has no scheduler configured, so it cannot schedule jobs. Use `greenml schedule` locally, or a server started with scheduling.');
      }
      return c.json(await deps.schedule(input, { store, nowMs }), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/jobs',
      tags: tag,
      summary: 'List jobs, newest first',
      request: { query: JobListQuery },
      responses: { 200: jsonContent(JobPageSchema, 'A page of jobs'), ...pick(400, 401, 403, 503) },
    }),
    async (c) => {
      const p = c.get('principal');
      requireScope(p, 'read');
      const q = c.req.valid('query');
      const project = narrowProject(p, q.project);
      return c.json(await store.listJobs({ state: q.state, project, limit: q.limit, cursor: q.cursor ?? null }), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/jobs/{id}',
      tags: tag,
      summary: 'A job (id or unique prefix)',
      request: { params: IdParam },
      responses: { 200: jsonContent(JobSchema, 'The job'), ...pick(400, 401, 403, 404, 503) },
    }),
    async (c) => {
      const p = c.get('principal');
      requireScope(p, 'read');
      const { id } = c.req.valid('param');
      const job = await store.getJob(id);
      if (!job) throw notFound('job', id);
      requireProject(p, job.project);
      return c.json(job, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/jobs/{id}/cancel',
      tags: tag,
      summary: 'Cancel a pending, paused or running job (id or unique prefix)',
      request: { params: IdParam },
      responses: { 200: jsonContent(JobSchema, 'The cancelled job'), ...pick(400, 401, 403, 404, 409, 503) },
    }),
    async (c) => {
      const p = c.get('principal');
      requireScope(p, 'ingest');
      const { id } = c.req.valid('param');
      const job = await store.getJob(id);
      if (!job) throw notFound('job', id);
      requireProject(p, job.project);
      const nowMs = clock();
      const done = await store.updateJob(job.id, { state: 'cancelled', endedAt: nowMs, updatedAt: nowMs }, { expectState: CANCELLABLE });
      const after = await store.getJob(job.id);
      if (!done || !after) {
        throw new GreenmlError('CONFLICT', `Job ${job.id} is ${after?.state ?? 'gone'} already; only pending, paused or running jobs can be cancelled.`, {
          details: { id: job.id, state: after?.state ?? null },
        });
      }
      return c.json(after, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/jobs',
      tags: tag,
      summary: 'Store a job record as given (Store.createJob)',
      request: { body: jsonBody(JobSchema) },
      responses: { 201: { description: 'Stored' }, ...pick(400, 401, 403, 409, 413, 503) },
    }),
    async (c) => {
      const p = c.get('principal');
      requireScope(p, 'ingest');
      const job = c.req.valid('json');
      requireProject(p, job.project);
      await store.createJob(job);
      return c.body(null, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/v1/jobs/{id}',
      tags: tag,
      summary: 'Upsert a job under its id (Store.importJob, for copies)',
      request: { params: IdParam, body: jsonBody(JobSchema) },
      responses: { 204: { description: 'Stored' }, ...pick(400, 401, 403, 413, 503) },
    }),
    async (c) => {
      const p = c.get('principal');
      requireScope(p, 'ingest');
      const { id } = c.req.valid('param');
      const job = c.req.valid('json');
      if (job.id !== id) throw new GreenmlError('INVALID_INPUT', `The body's id "${job.id}" differs from the path's "${id}".`, { details: { field: 'id' } });
      requireProject(p, job.project);
      if (p.project !== null) {
        const existing = await store.getJob(id).catch(() => null);
        if (existing && existing.id === id) requireProject(p, existing.project);
      }
      await store.importJob(job);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/api/v1/jobs/{id}',
      tags: tag,
      summary: 'Patch a job, optionally only when it is in the expected state(s) (compare-and-set)',
      request: { params: IdParam, body: jsonBody(z.strictObject({ patch: JobPatchSchema, expectState: StateOrStates.optional() })) },
      responses: { 200: jsonContent(z.object({ applied: z.boolean() }), 'Whether the patch was applied'), ...pick(400, 401, 403, 404, 413, 503) },
    }),
    async (c) => {
      const p = c.get('principal');
      const { id } = c.req.valid('param');
      const { patch, expectState } = c.req.valid('json');
      await checkJobAccess(store, p, id, 'ingest');
      if (patch.project !== undefined) requireProject(p, patch.project);
      return c.json({ applied: await store.updateJob(id, patch, expectState === undefined ? {} : { expectState }) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/jobs/claim',
      tags: tag,
      summary: 'Take the earliest due pending job whose labels the agent carries',
      request: {
        body: jsonBody(
          z.strictObject({
            nowMs: epochMs(),
            agentId: z.string().min(1).max(200),
            leaseMs: z.number().int().openapi({ description: 'The claim holds until nowMs + leaseMs' }),
            labels: stringMap.optional(),
          }),
        ),
      },
      responses: { 200: jsonContent(z.object({ job: JobSchema.nullable() }), 'The claimed job, or null'), ...pick(400, 401, 403, 413, 503) },
    }),
    async (c) => {
      const p = c.get('principal');
      requireScope(p, 'ingest');
      requireAllProjects(p, 'Claiming jobs');
      return c.json({ job: await store.claimNextDueJob(c.req.valid('json')) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/jobs/{id}/lease',
      tags: tag,
      summary: "Extend the lease of a running job held by the agent",
      request: { params: IdParam, body: jsonBody(z.strictObject({ agentId: z.string().min(1), leaseUntilMs: epochMs() })) },
      responses: { 200: jsonContent(z.object({ renewed: z.boolean() }), 'Whether the agent still holds the job'), ...pick(400, 401, 403, 404, 413, 503) },
    }),
    async (c) => {
      const p = c.get('principal');
      const { id } = c.req.valid('param');
      const b = c.req.valid('json');
      await checkJobAccess(store, p, id, 'ingest');
      return c.json({ renewed: await store.renewLease(id, b.agentId, b.leaseUntilMs) }, 200);
    },
  );
}
