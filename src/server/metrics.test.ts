import { describe, expect, it } from 'vitest';
import { renderExposition } from './metrics.js';

describe('Prometheus text exposition', () => {
  it('writes HELP and TYPE per family and escapes label values', () => {
    const text = renderExposition([
      { name: 'greenml_energy_joules_total', help: 'Energy, joules.\nSecond line', type: 'counter', samples: [{ labels: { project: 'a "quoted" \\ name\nx', component: 'cpu' }, value: 3_600_000 }] },
      { name: 'greenml_projects', help: 'Projects.', type: 'gauge', samples: [{ labels: {}, value: 2 }] },
    ]);
    expect(text).toBe(
      [
        '# HELP greenml_energy_joules_total Energy, joules.\\nSecond line',
        '# TYPE greenml_energy_joules_total counter',
        'greenml_energy_joules_total{project="a \\"quoted\\" \\\\ name\\nx",component="cpu"} 3600000',
        '# HELP greenml_projects Projects.',
        '# TYPE greenml_projects gauge',
        'greenml_projects 2',
        '',
      ].join('\n'),
    );
  });
});
