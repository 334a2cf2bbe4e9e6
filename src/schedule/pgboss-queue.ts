/**
 * The team queue: jobs in the Store on PostgreSQL, dispatched to agents on many machines through
 * pg-boss 10 on the same database. The Store's job record stays the source of truth; pg-boss only
 * says who may try to take which job when:
 *
 *   - one pg-boss queue per label set (`greenml-jobs` for none, `greenml-jobs-<hash>` otherwise);
 *     an agent fetches from the queues of every subset of its labels that exists, so a job goes
 *     only to agents carrying each of its labels (region=R for a job planned for region R);
 *   - a message per claimable generation of a job (its id, attempts and dueAtMs), sent with
 *     startAfter = dueAtMs and an id derived from that generation, so the enqueuer and every
 *     agent's sweep send the same message once (pg-boss inserts ON CONFLICT DO NOTHING);
 *   - a fetched message is completed at once: taken when the Store's compare-and-set from
 *     pending to running succeeds, stale otherwise (the job was cancelled, claimed through another
 *     message, moved to another window). Two agents can never both hold a job: the Store's
 *     transition is the judge; pg-boss's SKIP LOCKED fetch and expiry only keep agents from
 *     fetching the same message, and re-offer one whose fetcher died before it could decide;
 *   - holding, finishing and cancelling are the Store's (pg-boss 10 has no heartbeat): the
 *     holder renews the job's lease, and any agent's sweep applies the on-lost policy to a job
 *     whose lease ran out (lost-jobs.ts), dispatching it again when it is retried.
 *
 * The sweep (before a claim, at most every sweepEveryMs) also adopts jobs written to the Store by
 * anything else (`greenml schedule` with the store's queue, the server's POST /jobs, a copy from
 * another database), so no path into the Store can leave a job undispatched. It remembers what it
 * sent; a message that is gone or ended while its job is still pending and overdue is sent again.
 */
import { createHash, randomUUID } from 'node:crypto';
import type PgBoss from 'pg-boss';
import { GreenmlError, type JobRecord } from '../core/index.js';
import type { Store } from '../store/index.js';
import { localQueue } from './local-queue.js';
import { UpcomingJobs, carriesLabels, tidyJobs, type LostJobPolicy } from './lost-jobs.js';
import type { ClaimJobRequest, JobQueue } from './queue.js';

export interface PgBossQueueOptions {
  /** The PostgreSQL connection string (without greenml's `schema` parameter). */
  connectionString: string;
  /** Schema for pg-boss's own tables (default greenml_pgboss); greenml's tables stay where the Store keeps them. */
  schema?: string;
  /** What becomes of a job whose agent is lost, unless the job says (default fail). */
  onLost?: LostJobPolicy;
  /** Claims a retry-policy job may take in all (default 3). */
  maxAttempts?: number;
  /** How often a claim first sweeps the Store, ms (default 5000). */
  sweepEveryMs?: number;
  /** A pending, overdue job whose message is gone or ended is sent again after this long, ms (default 60,000). */
  resendAfterMs?: number;
  /** Connections in pg-boss's own pool (default 3). */
  poolSize?: number;
  /** How often pg-boss re-offers messages whose fetcher died, s (default 60). */
  maintenanceIntervalS?: number;
  /** A problem that did not stop the call (a send that failed: the sweep sends it later). */
  onWarning?: (message: string) => void;
}

export interface PgBossQueue extends JobQueue {
  readonly kind: 'pg-boss';
  /** pg-boss's schema. */
  readonly schema: string;
  /** Dispatches what the Store holds and applies the on-lost policy (claims do it every sweepEveryMs). */
  sweep(nowMs: number): Promise<void>;
  close(): Promise<void>;
}

interface Dispatch {
  jobId: string;
  attempts: number;
  dueAtMs: number;
}

/** The label a foreground `greenml schedule --wait` puts on its job: it takes the job itself, no agent does. */
const WAITER_LABEL = 'greenml.waiter';
const BASE_QUEUE = 'greenml-jobs';
/** 2^16 label subsets is the most worth hashing per agent (about 50 ms); real agents carry a handful. */
const MAX_AGENT_LABELS = 16;
/** pg-boss re-offers a fetched message after this long without a decision, s (a decision takes milliseconds). */
const FETCH_EXPIRE_S = 60;
/** A message fetched this much before its job is due by the agent's clock goes back (pg-boss judges due by the database's clock), ms. */
const EARLY_TOLERANCE_MS = 1000;
/** Fetches per queue per claim before moving on, so a queue full of stale messages cannot stall a claim. */
const MAX_FETCHES = 25;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

const canonical = (labels: Record<string, string>): string => JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

export function queueNameFor(labels: Record<string, string>): string {
  if (Object.keys(labels).length === 0) return BASE_QUEUE;
  return `${BASE_QUEUE}-${createHash('sha256').update(canonical(labels)).digest('hex').slice(0, 24)}`;
}

/** Every subset of the agent's labels: the label sets of the jobs it may take. */
function coveredQueues(labels: Record<string, string>): string[] {
  const entries = Object.entries(labels);
  if (entries.length > MAX_AGENT_LABELS) {
    throw new GreenmlError('INVALID_INPUT', `An agent on the pg-boss queue carries at most ${MAX_AGENT_LABELS} labels, got ${entries.length}. Drop the ones no job asks for.`);
  }
  const names: string[] = [];
  for (let mask = 0; mask < 1 << entries.length; mask++) {
    names.push(queueNameFor(Object.fromEntries(entries.filter((_, i) => mask & (1 << i)))));
  }
  return names;
}

/** An id for a generation of a job: every sender derives the same, so pg-boss stores it once. */
function messageId(key: string): string {
  const h = createHash('sha256').update(key).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

const dispatchable = (job: JobRecord): boolean =>
  (job.state === 'pending' || (job.state === 'paused' && job.agentId === null)) && !(WAITER_LABEL in job.labels);

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export function defaultPgBossSchema(storeSchema: string): string {
  return storeSchema === 'public' ? 'greenml_pgboss' : `${storeSchema}_pgboss`;
}

export async function openPgBossQueue(store: Store, o: PgBossQueueOptions): Promise<PgBossQueue> {
  const schema = o.schema ?? 'greenml_pgboss';
  if (!SCHEMA_NAME.test(schema)) {
    throw new GreenmlError('INVALID_INPUT', `The pg-boss schema "${schema}" is not a plain lower-case name of at most 63 characters. Use letters a-z, digits and _.`);
  }
  const lost = { policy: o.onLost ?? 'fail', ...(o.maxAttempts !== undefined ? { maxAttempts: o.maxAttempts } : {}) } as const;
  const sweepEveryMs = o.sweepEveryMs ?? 5000;
  const resendAfterMs = o.resendAfterMs ?? 60_000;
  const warn = (m: string): void => o.onWarning?.(m);
  const local = localQueue(store, lost);

  // Loaded here, not at the top: SQLite users never load pg-boss (or pg).
  const { default: PgBossClass } = await import('pg-boss');
  const boss: PgBoss = new PgBossClass({
    connectionString: o.connectionString,
    schema,
    max: o.poolSize ?? 3,
    application_name: 'greenml',
    schedule: false,
    supervise: true,
    maintenanceIntervalSeconds: o.maintenanceIntervalS ?? 60,
  });
  boss.on('error', (e: Error) => warn(`pg-boss: ${e.message}`));
  try {
    await boss.start();
  } catch (e) {
    await boss.stop({ graceful: false }).catch(() => undefined);
    throw new GreenmlError('STORE_UNAVAILABLE', `The pg-boss queue could not start in schema ${schema}: ${message(e)}. Check the database, or run agents with --queue store.`, { cause: e });
  }

  const queues = new Set<string>();
  const ensureQueue = async (name: string): Promise<void> => {
    if (queues.has(name)) return;
    // create_queue is ON CONFLICT DO NOTHING: agents racing to create one queue all succeed.
    await boss.createQueue(name, { name, policy: 'standard', retryLimit: 1_000_000, retryDelay: 1, expireInSeconds: FETCH_EXPIRE_S });
    queues.add(name);
  };

  /** What this process sent, by generation; entries not seen by a sweep are dropped. */
  const sent = new Map<string, { queue: string; id: string; checkedAtMs: number; sweep: number }>();
  let sweepNo = 0;
  const upcoming = new UpcomingJobs();

  async function dispatch(job: JobRecord, nowMs: number): Promise<void> {
    if (!dispatchable(job)) return;
    const queue = queueNameFor(job.labels);
    const key = `${queue}|${job.id}|${job.attempts}|${job.dueAtMs}`;
    const known = sent.get(key);
    if (known) {
      known.sweep = sweepNo;
      if (job.dueAtMs > nowMs - resendAfterMs || nowMs - known.checkedAtMs < resendAfterMs) return;
      known.checkedAtMs = nowMs;
      const m = await boss.getJobById(queue, known.id);
      if (m && (m.state === 'created' || m.state === 'retry' || m.state === 'active')) return;
      // Gone (deleted past its retention) or ended while the job still waits: offer it again.
      known.id = randomUUID();
      await boss.send(queue, { jobId: job.id, attempts: job.attempts, dueAtMs: job.dueAtMs } satisfies Dispatch, { id: known.id, startAfter: new Date(job.dueAtMs) });
      return;
    }
    await ensureQueue(queue);
    const id = messageId(key);
    await boss.send(queue, { jobId: job.id, attempts: job.attempts, dueAtMs: job.dueAtMs } satisfies Dispatch, { id, startAfter: new Date(job.dueAtMs) });
    sent.set(key, { queue, id, checkedAtMs: nowMs, sweep: sweepNo });
  }

  async function sweep(nowMs: number): Promise<void> {
    sweepNo++;
    upcoming.begin();
    await tidyJobs(store, nowMs, {
      ...lost,
      visit: async (job) => {
        if (dispatchable(job)) upcoming.add(job);
        try {
          await dispatch(job, nowMs);
        } catch (e) {
          warn(`could not dispatch job ${job.id}: ${message(e)}`);
        }
      },
    });
    upcoming.end();
    for (const [key, s] of sent) if (s.sweep < sweepNo) sent.delete(key);
    for (const q of await boss.getQueues()) queues.add(q.name);
  }

  type Taken = { kind: 'claimed'; job: JobRecord } | { kind: 'early' } | { kind: 'stale'; reason: string };

  async function take(d: Dispatch, req: ClaimJobRequest, nowMs: number): Promise<Taken> {
    const job = await store.getJob(d.jobId);
    if (!job || job.id !== d.jobId) return { kind: 'stale', reason: 'no such job' };
    if (job.attempts !== d.attempts || job.dueAtMs !== d.dueAtMs) return { kind: 'stale', reason: 'the job moved on' };
    if (!carriesLabels(req.labels, job.labels)) return { kind: 'stale', reason: 'labels changed' };
    if (!dispatchable(job)) return { kind: 'stale', reason: `the job is ${job.state}` };
    if (job.dueAtMs > nowMs + EARLY_TOLERANCE_MS) return { kind: 'early' };
    if (job.state === 'paused') await store.updateJob(job.id, { state: 'pending', updatedAt: nowMs }, { expectState: 'paused' });
    const ok = await store.updateJob(
      job.id,
      {
        state: 'running',
        agentId: req.agentId,
        leaseUntilMs: nowMs + req.leaseMs,
        attempts: job.attempts + 1,
        startedAt: job.startedAt ?? nowMs,
        updatedAt: nowMs,
      },
      { expectState: 'pending' },
    );
    const now = ok ? await store.getJob(job.id) : null;
    return now ? { kind: 'claimed', job: now } : { kind: 'stale', reason: 'another agent took it' };
  }

  let lastSweepMs = Number.NEGATIVE_INFINITY;
  let turn = 0;
  const coverCache = new Map<string, string[]>();

  return {
    kind: 'pg-boss',
    schema,

    async enqueue(job) {
      await local.enqueue(job);
      try {
        await dispatch(job, job.createdAt);
      } catch (e) {
        warn(`job ${job.id} is stored but was not dispatched yet (${message(e)}); an agent's sweep dispatches it`);
      }
    },

    async claim(req) {
      // A foreground `schedule --wait` takes its own job straight from the Store.
      if (req.jobId !== undefined) return local.claim(req);
      // The caller's clock, moved on by the time the sweep and fetches take (seconds for a big sweep).
      const began = performance.now();
      const now = (): number => req.nowMs + Math.round(performance.now() - began);
      if (req.nowMs - lastSweepMs >= sweepEveryMs) {
        await sweep(req.nowMs);
        lastSweepMs = req.nowMs;
      }
      const labelsKey = canonical(req.labels);
      let covered = coverCache.get(labelsKey);
      if (!covered) coverCache.set(labelsKey, (covered = coveredQueues(req.labels)));
      const names = covered.filter((n) => queues.has(n));
      // Round robin over the agent's queues, so one busy label set cannot starve another.
      turn = (turn + 1) % Math.max(1, names.length);
      for (const name of [...names.slice(turn), ...names.slice(0, turn)]) {
        for (let i = 0; i < MAX_FETCHES; i++) {
          const [m] = await boss.fetch<Dispatch>(name, { batchSize: 1 });
          if (!m) break;
          let taken: Taken;
          try {
            taken = await take(m.data, req, now());
          } catch (e) {
            // Offered again after pg-boss's retry delay.
            await boss.fail(name, m.id, { error: message(e) }).catch(() => undefined);
            throw e;
          }
          if (taken.kind === 'early') {
            await boss.fail(name, m.id, { early: true, agentId: req.agentId });
            continue;
          }
          await boss.complete(name, m.id, taken.kind === 'claimed' ? { takenBy: req.agentId } : { stale: taken.reason }).catch((e: unknown) => warn(`pg-boss complete: ${message(e)}`));
          if (taken.kind === 'claimed') return taken.job;
        }
      }
      return null;
    },

    hold: (jobId, agentId, u) => local.hold(jobId, agentId, u),

    async requeue(jobId, agentId, u) {
      const ok = await local.requeue(jobId, agentId, u);
      if (ok) {
        const job = await store.getJob(jobId);
        if (job) await dispatch(job, u.nowMs).catch((e: unknown) => warn(`job ${jobId} was handed back but not dispatched yet (${message(e)}); an agent's sweep dispatches it`));
      }
      return ok;
    },

    finish: (jobId, agentId, u) => local.finish(jobId, agentId, u),

    async cancel(jobId, nowMs) {
      const before = await store.getJob(jobId);
      const result = await local.cancel(jobId, nowMs);
      // A message still waiting would be found stale when fetched; withdrawing it keeps pg-boss tidy.
      if (before && dispatchable(before)) {
        const queue = queueNameFor(before.labels);
        await boss.cancel(queue, messageId(`${queue}|${before.id}|${before.attempts}|${before.dueAtMs}`)).catch(() => undefined);
      }
      return result;
    },

    nextDueAtMs: (labels, nowMs) => upcoming.earliestAfter(labels, nowMs),

    sweep: async (nowMs) => {
      await sweep(nowMs);
      lastSweepMs = nowMs;
    },

    async close() {
      await boss.stop({ graceful: false, close: true, wait: true });
    },
  };
}
