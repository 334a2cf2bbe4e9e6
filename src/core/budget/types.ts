/**
 * Energy, carbon and cost budgets, modelled on AWS Budgets (Cost Management API `Budget` and
 * `Notification`, 2024): a limit per period, and up to ten notifications that fire on the actual
 * or the forecasted amount crossing a threshold (a percentage of the limit or an absolute amount).
 */
export const BUDGET_KINDS = ['energy', 'co2e', 'cost'] as const;
export type BudgetKind = (typeof BUDGET_KINDS)[number];

export const BUDGET_UNITS = ['kWh', 'kgCO2e', 'USD'] as const;
export type BudgetUnit = (typeof BUDGET_UNITS)[number];

/** The unit a budget of each kind is kept in. */
export const UNIT_OF_KIND: Record<BudgetKind, BudgetUnit> = { energy: 'kWh', co2e: 'kgCO2e', cost: 'USD' };

export const BUDGET_PERIODS = ['day', 'week', 'month', 'quarter', 'year', 'run'] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];
export type CalendarPeriod = Exclude<BudgetPeriod, 'run'>;

export const NOTIFICATION_TYPES = ['actual', 'forecasted'] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];
export const THRESHOLD_TYPES = ['percentage', 'absolute'] as const;
export type ThresholdType = (typeof THRESHOLD_TYPES)[number];

/** AWS Budgets allows at most 10 notifications per budget (API_budgets_Notification, 2024). */
export const MAX_NOTIFICATIONS = 10;
/** Webhooks per budget (greenml, 2026; AWS allows 1 SNS topic + 10 e-mail subscribers). */
export const MAX_WEBHOOKS = 10;
/** AWS caps a percentage threshold at 1,000,000 % (API_budgets_Notification, 2024). */
export const MAX_PERCENTAGE_THRESHOLD = 1_000_000;
/** AWS caps budget names at 100 characters (API_budgets_Budget, 2024). */
export const MAX_BUDGET_NAME = 100;

export interface BudgetNotification {
  type: NotificationType;
  /** Percent of the limit (80 = 80 %) or an amount in the budget's unit. */
  threshold: number;
  thresholdType: ThresholdType;
}

export interface BudgetWebhook {
  url: string;
  /** 'slack' posts Slack's `{ text, blocks }`; 'json' posts greenml's alert document. */
  format: 'json' | 'slack';
}

export interface BudgetSpec {
  name: string;
  /** project null: every project (a global budget). */
  scope: { project: string | null };
  kind: BudgetKind;
  limit: { amount: number; unit: BudgetUnit };
  period: BudgetPeriod;
  notifications: BudgetNotification[];
  webhooks: BudgetWebhook[];
}

export interface Budget extends BudgetSpec {
  id: string;
}

/** What a budget remembers between evaluations (store it with the budget). */
export interface BudgetEvalState {
  /** The period the alarms belong to: "2026-03", "2026-W07", "run:<id>"... */
  periodKey: string;
  /** Keys of the notifications in ALARM (see notificationKey). */
  alarms: string[];
}

/** One notification to send: plain data for the webhook sender, the store and the dashboard. */
export interface BudgetAlert {
  budgetId: string;
  budgetName: string;
  kind: BudgetKind;
  scope: { project: string | null };
  limit: { amount: number; unit: BudgetUnit };
  notification: BudgetNotification;
  notificationKey: string;
  /** The amount compared: actual so far or forecast for the period, in `unit`. */
  amount: number;
  thresholdAmount: number;
  unit: BudgetUnit;
  /** amount / limit x 100. */
  percentOfLimit: number;
  period: { name: BudgetPeriod; key: string; startMs: number | null; endMs: number | null };
  state: 'alarm';
  atMs: number;
  /** One per crossing (budget, notification, period, time of crossing): receivers can drop retried duplicates. */
  dedupeKey: string;
}
