/** Projects with totals over their runs. */
import { createRoute, z } from '@hono/zod-openapi';
import { requireProject, requireScope } from '../auth.js';
import { NameParam } from '../query-schemas.js';
import { ProjectSummarySchema, RunTotalsSchema } from '../record-schemas.js';
import { jsonContent, notFound, pick, type App, type RouteContext } from './kit.js';

const tag = ['projects'];

export function registerProjectRoutes(app: App, { store }: RouteContext): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/projects',
      tags: tag,
      summary: 'Every project with totals over its runs, by name',
      responses: { 200: jsonContent(z.object({ projects: z.array(ProjectSummarySchema) }), 'Projects'), ...pick(401, 403, 503) },
    }),
    async (c) => {
      const p = c.get('principal');
      requireScope(p, 'read');
      const projects = await store.listProjects();
      return c.json({ projects: p.project === null ? projects : projects.filter((x) => x.name === p.project) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/projects/{name}',
      tags: tag,
      summary: 'One project: its summary and totals by status',
      request: { params: NameParam },
      responses: {
        200: jsonContent(z.object({ project: ProjectSummarySchema, totals: RunTotalsSchema }), 'The project'),
        ...pick(401, 403, 404, 503),
      },
    }),
    async (c) => {
      const p = c.get('principal');
      requireScope(p, 'read');
      const { name } = c.req.valid('param');
      requireProject(p, name);
      const project = (await store.listProjects()).find((x) => x.name === name);
      if (!project) throw notFound('project', name);
      return c.json({ project, totals: await store.runTotals({ project: name }) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/v1/projects/{name}',
      tags: tag,
      summary: 'Create a project if it does not exist',
      request: { params: NameParam },
      responses: { 204: { description: 'The project exists' }, ...pick(400, 401, 403, 503) },
    }),
    async (c) => {
      const p = c.get('principal');
      requireScope(p, 'ingest');
      const { name } = c.req.valid('param');
      requireProject(p, name);
      await store.ensureProject(name);
      return c.body(null, 204);
    },
  );
}
