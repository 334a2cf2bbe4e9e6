import { describe, expect, it } from 'vitest';
import { GreenmlError } from '../errors.js';
import { parseBudgetAmount, validateBudgetSpec, validateWebhookUrl } from './validate.js';

const base = { name: 'monthly-carbon', kind: 'co2e', limit: '2kg', period: 'month' };

function problemsOf(input: unknown): string[] {
  try {
    validateBudgetSpec(input);
  } catch (e) {
    expect(e).toBeInstanceOf(GreenmlError);
    expect((e as GreenmlError).code).toBe('INVALID_INPUT');
    return ((e as GreenmlError).details?.['problems'] as string[]) ?? [(e as GreenmlError).message];
  }
  throw new Error('expected the budget to be rejected');
}

describe('validateBudgetSpec', () => {
  it('normalises a budget as a user writes it', () => {
    expect(
      validateBudgetSpec({
        ...base,
        scope: { project: ' vision ' },
        notifications: [{ type: 'actual', threshold: 80 }, { type: 'forecasted', threshold: 100, thresholdType: 'percentage' }, { threshold: '1.5kg', thresholdType: 'absolute' }],
        webhooks: ['https://hooks.slack.com/services/T0/B0/x', { url: 'http://127.0.0.1:9000/alerts' }],
      }),
    ).toEqual({
      name: 'monthly-carbon',
      scope: { project: 'vision' },
      kind: 'co2e',
      limit: { amount: 2, unit: 'kgCO2e' },
      period: 'month',
      notifications: [
        { type: 'actual', threshold: 80, thresholdType: 'percentage' },
        { type: 'forecasted', threshold: 100, thresholdType: 'percentage' },
        { type: 'actual', threshold: 1.5, thresholdType: 'absolute' },
      ],
      webhooks: [
        { url: 'https://hooks.slack.com/services/T0/B0/x', format: 'slack' },
        { url: 'http://127.0.0.1:9000/alerts', format: 'json' },
      ],
    });
  });

  it('reads amounts with core quantities: "2kg", "30", "10kWh", and the structured form', () => {
    expect(parseBudgetAmount('co2e', '500g')).toBe(0.5);
    expect(parseBudgetAmount('cost', '30')).toBe(30);
    expect(parseBudgetAmount('energy', '10kWh')).toBe(10);
    expect(validateBudgetSpec({ ...base, kind: 'cost', limit: 30, scope: null, period: 'run' })).toMatchObject({ limit: { amount: 30, unit: 'USD' }, scope: { project: null } });
    expect(validateBudgetSpec({ ...base, kind: 'energy', limit: { amount: 12, unit: 'kWh' } }).limit).toEqual({ amount: 12, unit: 'kWh' });
  });

  it.each([
    [{ ...base, limit: '-2kg' }, /Invalid limit "-2kg"/],
    [{ ...base, limit: '2' }, /Invalid limit "2": give an amount with a unit/],
    [{ ...base, kind: 'energy', limit: 10 }, /limit 10: give an amount with its unit, e.g. "10kWh"/],
    [{ ...base, limit: '0kg' }, /limit must be greater than zero/],
    [{ ...base, limit: { amount: 2, unit: 'kWh' } }, /limit.unit must be kgCO2e for a co2e budget/],
    [{ ...base, limit: { amount: -1, unit: 'kgCO2e' } }, /limit.amount must be a number of kgCO2e \(zero or more\)/],
    [{ ...base, period: 'fortnight' }, /period must be one of day, week, month, quarter, year, run, got "fortnight"/],
    [{ ...base, period: 'mnth' }, /Did you mean month/],
    [{ ...base, kind: 'carbon' }, /kind must be one of energy, co2e, cost/],
    [{ ...base, name: '' }, /name is required/],
    [{ ...base, name: 'x'.repeat(101) }, /keep it to 100/],
    [{ ...base, webhooks: ['ftp://example.com/x'] }, /is not an http\(s\) URL/],
    [{ ...base, webhooks: ['javascript:alert(1)'] }, /is not an http\(s\) URL/],
    [{ ...base, webhooks: [{ url: 'https://example.com:70000/x' }] }, /ports run from 1 to 65535/],
    [{ ...base, webhooks: [{ url: 'https://example.com/x', format: 'teams' }] }, /format must be one of json, slack/],
    [{ ...base, notifications: Array.from({ length: 11 }, (_, i) => ({ threshold: 10 * (i + 1) })) }, /at most 10 notifications/],
    [{ ...base, notifications: [{ threshold: 80 }, { threshold: 80, type: 'actual' }] }, /repeats an earlier notification/],
    [{ ...base, notifications: [{ threshold: -5 }] }, /threshold must be a positive number/],
    [{ ...base, notifications: [{ threshold: 2e6 }] }, /above the 1000000 % maximum/],
    [{ ...base, notifications: [{ threshold: 80, type: 'predicted' }] }, /type must be one of actual, forecasted/],
    [{ ...base, scope: { project: 7 } }, /scope must be/],
  ])('rejects %j', (input, message) => {
    expect(problemsOf(input).join(' ')).toMatch(message);
  });

  it('lists every problem at once', () => {
    const problems = problemsOf({ name: '', kind: 'co2e', limit: '2', period: 'fortnight', webhooks: ['nope'] });
    expect(problems).toHaveLength(4);
    expect(() => validateBudgetSpec('budget')).toThrow(/must be an object/);
  });

  it('accepts http(s) URLs with ports, paths and IPv6 hosts only', () => {
    for (const ok of ['http://127.0.0.1:8080/hook', 'https://hooks.slack.com/services/A/B/C', 'http://[::1]:9000/', 'https://user:pw@example.com/a?b=c']) expect(validateWebhookUrl(ok)).toBeNull();
    for (const bad of ['', 'example.com/hook', 'http://', 'http://exa mple.com', 'file:///etc/passwd', 'http://:80/']) expect(validateWebhookUrl(bad)).not.toBeNull();
  });
});
