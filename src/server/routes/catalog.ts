/** The bundled catalog: regions, accelerators, instances, prices, and any record with its sources. */
import { createRoute, z } from '@hono/zod-openapi';
import {
  findAny,
  listAccelerators,
  listInstances,
  listPrices,
  listRegions,
  type Accelerator,
  type CatalogEntry,
  type Instance,
  type Price,
  type Region,
} from '../../catalog/index.js';
import { requireScope } from '../auth.js';
import { AcceleratorsQuery, IdParam, InstancesQuery, PricesQuery, RegionsQuery } from '../query-schemas.js';
import { document } from '../record-schemas.js';
import { jsonContent, pick, type App } from './kit.js';

const tag = ['catalog'];
const see = 'with provenance (sourceId, year); see docs/catalog.md';
const RegionSchema = document<Region>('Region', `A cloud region ${see}`);
const AcceleratorSchema = document<Accelerator>('Accelerator', `An accelerator ${see}`);
const InstanceSchema = document<Instance>('Instance', `An instance type ${see}`);
const PriceSchema = document<Price>('Price', `An instance price in a region ${see}`);
const EntrySchema = document<CatalogEntry>('CatalogEntry', 'A record with each field, its unit and source (what `greenml catalog show` prints)');

/** Drops undefined keys: the catalog's filters treat a present key as a filter. */
const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

export function registerCatalogRoutes(app: App): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/catalog/regions',
      tags: tag,
      summary: 'Cloud regions with grid intensity and PUE',
      request: { query: RegionsQuery },
      responses: { 200: jsonContent(z.object({ regions: z.array(RegionSchema) }), 'Regions'), ...pick(400, 401, 403, 404) },
    }),
    (c) => {
      requireScope(c.get('principal'), 'read');
      return c.json({ regions: listRegions(defined(c.req.valid('query'))) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/catalog/accelerators',
      tags: tag,
      summary: 'GPUs, TPUs and other accelerators',
      request: { query: AcceleratorsQuery },
      responses: { 200: jsonContent(z.object({ accelerators: z.array(AcceleratorSchema) }), 'Accelerators'), ...pick(400, 401, 403, 404) },
    }),
    (c) => {
      requireScope(c.get('principal'), 'read');
      return c.json({ accelerators: listAccelerators(defined(c.req.valid('query'))) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/catalog/instances',
      tags: tag,
      summary: 'Instance types',
      request: { query: InstancesQuery },
      responses: { 200: jsonContent(z.object({ instances: z.array(InstanceSchema) }), 'Instances'), ...pick(400, 401, 403, 404) },
    }),
    (c) => {
      requireScope(c.get('principal'), 'read');
      return c.json({ instances: listInstances(defined(c.req.valid('query'))) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/catalog/prices',
      tags: tag,
      summary: 'Instance prices by region and pricing',
      request: { query: PricesQuery },
      responses: { 200: jsonContent(z.object({ prices: z.array(PriceSchema) }), 'Prices'), ...pick(400, 401, 403, 404) },
    }),
    (c) => {
      requireScope(c.get('principal'), 'read');
      return c.json({ prices: listPrices(defined(c.req.valid('query'))) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/catalog/entries/{id}',
      tags: tag,
      summary: 'Any catalog record by id (region, accelerator, instance, country, CPU architecture) with every field\'s source',
      request: { params: IdParam },
      responses: { 200: jsonContent(EntrySchema, 'The record'), ...pick(401, 403, 404) },
    }),
    (c) => {
      requireScope(c.get('principal'), 'read');
      return c.json(findAny(c.req.valid('param').id), 200);
    },
  );
}
