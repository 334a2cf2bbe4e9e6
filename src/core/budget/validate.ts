/**
 * Validation of budgets as users write them (CLI flags, config files, API payloads). Every problem
 * is collected and reported at once, each saying what was wrong and what to write instead, because
 * a budget that silently means something else (2 g instead of 2 kg) is worse than an error.
 */
import { GreenmlError } from '../errors.js';
import { parseEnergyKwh, parseMassG, parseUsd } from '../quantities.js';
import { didYouMean } from '../suggest.js';
import {
  BUDGET_KINDS,
  BUDGET_PERIODS,
  BUDGET_UNITS,
  MAX_BUDGET_NAME,
  MAX_NOTIFICATIONS,
  MAX_PERCENTAGE_THRESHOLD,
  MAX_WEBHOOKS,
  NOTIFICATION_TYPES,
  THRESHOLD_TYPES,
  UNIT_OF_KIND,
  type BudgetKind,
  type BudgetNotification,
  type BudgetPeriod,
  type BudgetSpec,
  type BudgetWebhook,
  type NotificationType,
  type ThresholdType,
} from './types.js';

const EXAMPLE: Record<BudgetKind, string> = { energy: '10kWh', co2e: '2kg', cost: '30' };

/**
 * Reads an amount in a budget kind's unit: "2kg" / "500g" / "1.5t" for co2e (kg CO2e), "10kWh" /
 * "500Wh" for energy (kWh), "30" / "$30" for cost (USD). A bare number is only accepted for cost.
 */
export function parseBudgetAmount(kind: BudgetKind, text: string, what = 'budget limit'): number {
  if (kind === 'co2e') return parseMassG(text, what) / 1000;
  if (kind === 'energy') return parseEnergyKwh(text, what);
  return parseUsd(text, what);
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string, problems: string[]): T | null {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  const hint = typeof value === 'string' ? didYouMean(value, allowed) : '';
  problems.push(`${field} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value) ?? 'nothing'}.${hint}`);
  return null;
}

function amountIn(kind: BudgetKind, value: unknown, field: string, problems: string[]): number | null {
  try {
    if (typeof value === 'string') return parseBudgetAmount(kind, value, field);
    if (isRecord(value)) {
      const unit = value['unit'];
      const amount = value['amount'];
      if (unit !== UNIT_OF_KIND[kind]) {
        const hint = typeof unit === 'string' ? didYouMean(unit, BUDGET_UNITS) : '';
        problems.push(`${field}.unit must be ${UNIT_OF_KIND[kind]} for a ${kind} budget, got ${JSON.stringify(unit) ?? 'nothing'}.${hint}`);
        return null;
      }
      if (typeof amount === 'number' && Number.isFinite(amount) && amount >= 0) return amount;
      if (typeof amount === 'string') return parseBudgetAmount(kind, amount, field);
      problems.push(`${field}.amount must be a number of ${UNIT_OF_KIND[kind]} (zero or more), got ${JSON.stringify(amount) ?? 'nothing'}.`);
      return null;
    }
    if (typeof value === 'number' && kind === 'cost' && Number.isFinite(value) && value >= 0) return value;
    problems.push(
      `${field} ${JSON.stringify(value) ?? 'is missing'}: give an amount with its unit, e.g. "${EXAMPLE[kind]}", or { "amount": 2, "unit": "${UNIT_OF_KIND[kind]}" }.`,
    );
    return null;
  } catch (e) {
    problems.push(e instanceof GreenmlError ? e.message : `${field} is not an amount.`);
    return null;
  }
}

/** http(s) URLs only: a webhook on file:, javascript: or data: would be a hole, not a feature. */
const WEBHOOK_URL = /^(https?):\/\/(?:[^\s/?#@]+@)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?::(\d{1,5}))?(?:[/?#]\S*)?$/;

export function validateWebhookUrl(url: string): string | null {
  const m = WEBHOOK_URL.exec(url);
  if (!m) return `Webhook URL ${JSON.stringify(url)} is not an http(s) URL: use e.g. https://hooks.slack.com/services/... or http://127.0.0.1:9000/alerts.`;
  if (m[3] !== undefined && (Number(m[3]) < 1 || Number(m[3]) > 65535)) return `Webhook URL ${JSON.stringify(url)} has port ${m[3]}: ports run from 1 to 65535.`;
  return null;
}

function notificationFrom(kind: BudgetKind, value: unknown, i: number, problems: string[]): BudgetNotification | null {
  const field = `notifications[${i}]`;
  if (!isRecord(value)) {
    problems.push(`${field} must be an object such as { "type": "actual", "threshold": 80, "thresholdType": "percentage" }.`);
    return null;
  }
  const type = oneOf<NotificationType>(value['type'] ?? 'actual', NOTIFICATION_TYPES, `${field}.type`, problems);
  const thresholdType = oneOf<ThresholdType>(value['thresholdType'] ?? 'percentage', THRESHOLD_TYPES, `${field}.thresholdType`, problems);
  let threshold: number | null = null;
  const raw = value['threshold'];
  if (thresholdType === 'absolute' && typeof raw === 'string') threshold = amountIn(kind, raw, `${field}.threshold`, problems);
  else if (typeof raw === 'number' && Number.isFinite(raw) && raw > 0) threshold = raw;
  else if (typeof raw === 'string' && /^\s*\d+(\.\d+)?\s*%?\s*$/.test(raw) && Number(raw.replace('%', '')) > 0) threshold = Number(raw.replace('%', ''));
  else problems.push(`${field}.threshold must be a positive number (80 for 80 % of the limit), got ${JSON.stringify(raw) ?? 'nothing'}.`);
  if (threshold !== null && thresholdType === 'percentage' && threshold > MAX_PERCENTAGE_THRESHOLD) {
    problems.push(`${field}.threshold ${threshold} % is above the ${MAX_PERCENTAGE_THRESHOLD} % maximum.`);
    threshold = null;
  }
  if (threshold !== null && !(threshold > 0)) {
    problems.push(`${field}.threshold must be greater than zero.`);
    threshold = null;
  }
  return type && thresholdType && threshold !== null ? { type, threshold, thresholdType } : null;
}

export const notificationKey = (n: BudgetNotification): string => `${n.type}:${n.thresholdType}:${n.threshold}`;

function webhookFrom(value: unknown, i: number, problems: string[]): BudgetWebhook | null {
  const field = `webhooks[${i}]`;
  const obj = typeof value === 'string' ? { url: value } : value;
  if (!isRecord(obj) || typeof obj['url'] !== 'string') {
    problems.push(`${field} must be a URL or { "url": "https://...", "format": "json" | "slack" }.`);
    return null;
  }
  const url = obj['url'].trim();
  const urlProblem = validateWebhookUrl(url);
  if (urlProblem) {
    problems.push(`${field}: ${urlProblem}`);
    return null;
  }
  const defaultFormat = /^https:\/\/hooks\.slack\.com\//i.test(url) ? 'slack' : 'json';
  const format = oneOf<'json' | 'slack'>(obj['format'] ?? defaultFormat, ['json', 'slack'], `${field}.format`, problems);
  return format ? { url, format } : null;
}

/**
 * Checks a budget as written by a user and returns it normalised (amounts in the kind's unit,
 * defaults filled). Throws one INVALID_INPUT GreenmlError listing every problem (details.problems).
 */
export function validateBudgetSpec(input: unknown): BudgetSpec {
  const problems: string[] = [];
  if (!isRecord(input)) throw new GreenmlError('INVALID_INPUT', 'A budget must be an object with name, kind, limit and period.');

  const rawName = input['name'];
  const name = typeof rawName === 'string' ? rawName.trim() : '';
  if (!name) problems.push('name is required, e.g. "monthly-carbon".');
  else if (name.length > MAX_BUDGET_NAME) problems.push(`name is ${name.length} characters long: keep it to ${MAX_BUDGET_NAME}.`);

  const kind = oneOf<BudgetKind>(input['kind'], BUDGET_KINDS, 'kind', problems);
  const period = oneOf<BudgetPeriod>(input['period'], BUDGET_PERIODS, 'period', problems);

  let amount: number | null = null;
  if (kind) {
    amount = amountIn(kind, input['limit'], 'limit', problems);
    if (amount !== null && !(amount > 0)) {
      problems.push(`limit must be greater than zero, e.g. "${EXAMPLE[kind]}".`);
      amount = null;
    }
  }

  let project: string | null = null;
  const scope = input['scope'];
  if (scope !== undefined && scope !== null) {
    const p = isRecord(scope) ? scope['project'] : undefined;
    if (!isRecord(scope) || (p !== undefined && p !== null && (typeof p !== 'string' || p.trim() === ''))) {
      problems.push('scope must be { "project": "<name>" }, or null for every project.');
    } else if (typeof p === 'string') project = p.trim();
  }

  const rawNotifications = input['notifications'] ?? [];
  const notifications: BudgetNotification[] = [];
  if (!Array.isArray(rawNotifications)) problems.push('notifications must be a list.');
  else if (rawNotifications.length > MAX_NOTIFICATIONS) {
    problems.push(`A budget has at most ${MAX_NOTIFICATIONS} notifications (as in AWS Budgets), got ${rawNotifications.length}: merge or drop some.`);
  } else if (kind) {
    rawNotifications.forEach((n, i) => {
      const parsed = notificationFrom(kind, n, i, problems);
      if (!parsed) return;
      if (notifications.some((o) => notificationKey(o) === notificationKey(parsed))) problems.push(`notifications[${i}] repeats an earlier notification.`);
      else notifications.push(parsed);
    });
  }

  const rawWebhooks = input['webhooks'] ?? [];
  const webhooks: BudgetWebhook[] = [];
  if (!Array.isArray(rawWebhooks)) problems.push('webhooks must be a list.');
  else if (rawWebhooks.length > MAX_WEBHOOKS) problems.push(`A budget has at most ${MAX_WEBHOOKS} webhooks, got ${rawWebhooks.length}.`);
  else rawWebhooks.forEach((w, i) => {
    const parsed = webhookFrom(w, i, problems);
    if (parsed) webhooks.push(parsed);
  });

  if (problems.length > 0 || !kind || !period || amount === null) {
    const label = name ? `Budget "${name}"` : 'Budget';
    throw new GreenmlError('INVALID_INPUT', `${label} is invalid: ${problems.join(' ')}`, { details: { problems } });
  }
  return { name, scope: { project }, kind, limit: { amount, unit: UNIT_OF_KIND[kind] }, period, notifications, webhooks };
}
