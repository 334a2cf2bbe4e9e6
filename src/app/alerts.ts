/**
 * Delivers budget alerts to webhooks: greenml's JSON alert document, or Slack's `{ text, blocks }`
 * for Slack incoming webhooks. Retries with exponential backoff and jitter on network errors, 429
 * and 5xx (honouring Retry-After), never on other 4xx: those say the request itself is wrong and
 * will not get better. `fetch`, `sleep`, the clock and the jitter are arguments, so tests and the
 * server decide how time passes.
 */
import { formatEnergyKwh, formatMassG, formatUsd, type BudgetAlert, type BudgetUnit, type BudgetWebhook } from '../core/index.js';

export interface FetchResponseLike {
  status: number;
  headers?: { get(name: string): string | null };
  text?: () => Promise<string>;
}

export type FetchLike = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string; signal?: AbortSignal },
) => Promise<FetchResponseLike>;

export interface DeliveryOptions {
  fetch: FetchLike;
  sleep: (ms: number) => Promise<void>;
  nowMs: () => number;
  /** Tries in all, the first included. */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Returns a number in [0, 1); the delay is scaled by 0.5 + 0.5 x jitter ("equal jitter"). */
  jitter?: () => number;
  /** Per-attempt timeout, ms; 0 for none. */
  timeoutMs?: number;
}

export interface DeliveryAttempt {
  atMs: number;
  status: number | null;
  error: string | null;
  /** Wait before this attempt, ms. */
  waitedMs: number;
}

export interface DeliveryRecord {
  url: string;
  format: BudgetWebhook['format'];
  dedupeKey: string;
  delivered: boolean;
  attempts: DeliveryAttempt[];
  /** Last HTTP status, null when the last attempt got no response. */
  status: number | null;
  error: string | null;
}

/**
 * Retry policy defaults (greenml, 2026): 5 tries, 1 s doubling to at most 60 s, 10 s per try;
 * about a minute in all before giving up, short enough for a run's guard or a server's alert loop.
 */
export const DELIVERY_DEFAULTS = { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 60_000, timeoutMs: 10_000 } as const;

const FORMAT_AMOUNT: Record<BudgetUnit, (x: number) => string> = {
  kWh: formatEnergyKwh,
  kgCO2e: (kg) => `${formatMassG(kg * 1000)} CO2e`,
  USD: formatUsd,
};

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** greenml's generic alert document (version 1). */
export function alertDocument(alert: BudgetAlert): Record<string, unknown> {
  return {
    type: 'greenml.budget.alert',
    version: 1,
    id: alert.dedupeKey,
    state: 'ALARM',
    at: iso(alert.atMs),
    budget: { id: alert.budgetId, name: alert.budgetName, kind: alert.kind, scope: alert.scope, limit: alert.limit },
    notification: alert.notification,
    amount: alert.amount,
    thresholdAmount: alert.thresholdAmount,
    unit: alert.unit,
    percentOfLimit: alert.percentOfLimit,
    period: { name: alert.period.name, key: alert.period.key, start: iso(alert.period.startMs), end: iso(alert.period.endMs) },
  };
}

export function alertText(alert: BudgetAlert): string {
  const fmt = FORMAT_AMOUNT[alert.unit];
  const what = alert.notification.type === 'actual' ? 'Actual' : 'Forecasted';
  const scope = alert.scope.project === null ? 'all projects' : `project ${alert.scope.project}`;
  return (
    `${what} ${alert.kind} for budget "${alert.budgetName}" (${scope}, ${alert.period.key}) is ${fmt(alert.amount)}, ` +
    `${alert.percentOfLimit.toFixed(0)} % of the ${fmt(alert.limit.amount)} limit (threshold ${fmt(alert.thresholdAmount)}).`
  );
}

/** A Slack incoming-webhook message (api.slack.com/messaging/webhooks): text as fallback, blocks for display. */
export function slackMessage(alert: BudgetAlert): { text: string; blocks: unknown[] } {
  const text = alertText(alert);
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `:rotating_light: *greenml budget alert*\n${text}` } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `budget \`${alert.budgetId}\` · ${alert.notification.type} > ${alert.notification.threshold}${alert.notification.thresholdType === 'percentage' ? ' %' : ` ${alert.unit}`}` }] },
    ],
  };
}

export function alertPayload(alert: BudgetAlert, format: BudgetWebhook['format']): unknown {
  return format === 'slack' ? slackMessage(alert) : alertDocument(alert);
}

const retryable = (status: number): boolean => status === 429 || (status >= 500 && status <= 599);

/** Retry-After in ms: delta-seconds or an HTTP date (RFC 9110, section 10.2.3). */
function retryAfterMs(value: string | null | undefined, nowMs: number): number | null {
  if (!value) return null;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : null;
}

const describe = (e: unknown): string => {
  if (e instanceof Error) {
    const cause = (e as { cause?: unknown }).cause;
    const code = typeof cause === 'object' && cause !== null && 'code' in cause ? ` (${String((cause as { code: unknown }).code)})` : '';
    return `${e.name === 'TimeoutError' ? 'timed out' : e.message}${code}`;
  }
  return String(e);
};

export async function deliverAlert(alert: BudgetAlert, webhook: BudgetWebhook, options: DeliveryOptions): Promise<DeliveryRecord> {
  const maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? DELIVERY_DEFAULTS.maxAttempts));
  const base = options.baseDelayMs ?? DELIVERY_DEFAULTS.baseDelayMs;
  const cap = options.maxDelayMs ?? DELIVERY_DEFAULTS.maxDelayMs;
  const timeoutMs = options.timeoutMs ?? DELIVERY_DEFAULTS.timeoutMs;
  const jitter = options.jitter ?? Math.random;
  const body = JSON.stringify(alertPayload(alert, webhook.format));
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'greenml-alerts/1',
    'idempotency-key': alert.dedupeKey,
  };
  const record: DeliveryRecord = { url: webhook.url, format: webhook.format, dedupeKey: alert.dedupeKey, delivered: false, attempts: [], status: null, error: null };

  let waitMs = 0;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (waitMs > 0) await options.sleep(waitMs);
    const entry: DeliveryAttempt = { atMs: options.nowMs(), status: null, error: null, waitedMs: waitMs };
    record.attempts.push(entry);
    let retry = true;
    let hintMs: number | null = null;
    try {
      const res = await options.fetch(webhook.url, {
        method: 'POST',
        headers,
        body,
        ...(timeoutMs > 0 ? { signal: AbortSignal.timeout(timeoutMs) } : {}),
      });
      // Read the body so the connection can be reused; its content does not matter.
      await res.text?.().catch(() => '');
      entry.status = res.status;
      record.status = res.status;
      if (res.status >= 200 && res.status <= 299) {
        record.delivered = true;
        record.error = null;
        return record;
      }
      retry = retryable(res.status);
      entry.error = `HTTP ${res.status}${retry ? '' : ' (not retried: the receiver rejected the request)'}`;
      hintMs = retry ? retryAfterMs(res.headers?.get('retry-after'), entry.atMs) : null;
    } catch (e) {
      entry.error = describe(e);
      record.status = null;
    }
    record.error = entry.error;
    if (!retry) break;
    const backoff = Math.min(cap, base * 2 ** (attempt - 1));
    const j = Math.min(1, Math.max(0, jitter()));
    waitMs = Math.min(cap, Math.max(backoff * (0.5 + 0.5 * j), hintMs ?? 0));
  }
  return record;
}

/** Sends every alert to every webhook of its budget, one after the other. */
export async function deliverAlerts(
  alerts: readonly BudgetAlert[],
  webhooks: readonly BudgetWebhook[],
  options: DeliveryOptions,
): Promise<DeliveryRecord[]> {
  const records: DeliveryRecord[] = [];
  for (const alert of alerts) for (const webhook of webhooks) records.push(await deliverAlert(alert, webhook, options));
  return records;
}
