/** The grid-intensity cache: series points upserted by (zone, source, kind, t). */
import { sql } from 'kysely';
import type { IntensityPoint, IntensitySeries } from '../core/index.js';
import { chunks, lastByKey, type Db } from './query-kit.js';
import type { IntensityQuery } from './store.js';
import { int, invalid, text, validateSeries } from './validate.js';

const KIND_RANK: Record<IntensitySeries['kind'], number> = { actual: 0, forecast: 1, static: 2 };

export async function putIntensity(db: Db, series: IntensitySeries): Promise<void> {
  validateSeries(series);
  const rows = lastByKey(series.points, (p) => String(p.t)).map((p) => ({
    zone: series.zone,
    source: series.source,
    kind: series.kind,
    t: p.t,
    signal: series.signal,
    duration_s: p.durationS,
    intensity_g_per_kwh: p.intensityGPerKwh,
  }));
  await db.transaction().execute(async (trx) => {
    for (const part of chunks(rows)) {
      await trx
        .insertInto('intensity')
        .values(part)
        .onConflict((oc) =>
          oc.columns(['zone', 'source', 'kind', 't']).doUpdateSet((eb) => ({
            signal: eb.ref('excluded.signal'),
            duration_s: eb.ref('excluded.duration_s'),
            intensity_g_per_kwh: eb.ref('excluded.intensity_g_per_kwh'),
          })),
        )
        .execute();
    }
  });
}

export async function getIntensity(db: Db, zone: string, q: IntensityQuery): Promise<IntensitySeries | null> {
  text(zone, 'zone', { nonEmpty: true });
  int(q.fromMs, 'fromMs');
  if (int(q.toMs, 'toMs') <= q.fromMs) invalid('toMs', `later than fromMs (${q.fromMs})`, q.toMs);
  if (q.kind !== undefined && !(q.kind in KIND_RANK)) invalid('kind', 'one of actual, forecast, static', q.kind);
  if (q.source !== undefined) text(q.source, 'source', { nonEmpty: true });
  const rows = await db
    .selectFrom('intensity')
    .selectAll()
    .where('zone', '=', zone)
    .where('t', '<', q.toMs)
    .where(sql<number>`t + duration_s * 1000`, '>', q.fromMs)
    .$if(q.kind !== undefined, (qb) => qb.where('kind', '=', q.kind as string))
    .$if(q.source !== undefined, (qb) => qb.where('source', '=', q.source as string))
    .orderBy('t')
    .execute();
  const groups = new Map<string, typeof rows>();
  for (const r of rows) {
    const k = JSON.stringify([r.kind, r.source]);
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  let best: typeof rows | null = null;
  for (const g of groups.values()) {
    const a = g[0];
    const b = best?.[0];
    if (!a) continue;
    const better =
      !best || !b
        ? true
        : g.length !== best.length
          ? g.length > best.length
          : a.kind !== b.kind
            ? KIND_RANK[a.kind as IntensitySeries['kind']] < KIND_RANK[b.kind as IntensitySeries['kind']]
            : a.source < b.source;
    if (better) best = g;
  }
  const first = best?.[0];
  if (!best || !first) return null;
  const points: IntensityPoint[] = best.map((r) => ({ t: Number(r.t), durationS: Number(r.duration_s), intensityGPerKwh: Number(r.intensity_g_per_kwh) }));
  return { zone, signal: first.signal as IntensitySeries['signal'], kind: first.kind as IntensitySeries['kind'], source: first.source, points };
}
