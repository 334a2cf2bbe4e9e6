/** `greenml doctor`: what greenml can measure on this machine, and what it would assume. */
import type { Command } from 'commander';
import type { RegisterCommand } from './index.js';

interface DoctorFlags {
  region?: string;
  country?: string;
  intensity?: string;
  pue?: string;
  instance?: string;
  db?: string;
  json?: boolean;
}

export const registerDoctor: RegisterCommand = (program: Command) => {
  program
    .command('doctor')
    .description('Show what can be measured on this machine and why not, the CPU matched, and the factors a run would use')
    .option('--region <id>', 'cloud region to check, provider:region')
    .option('--country <cc>', 'ISO country code to check')
    .option('--intensity <g>', 'grid intensity to check, gCO2e/kWh')
    .option('--pue <p>', 'PUE to check')
    .option('--instance <id>', 'cloud instance to check, provider:type')
    .option('--db <path>', 'database file or postgres:// URL to check')
    .option('--json', 'print JSON')
    .action(async (flags: DoctorFlags) => {
      const [{ resolveSettings }, meter, app, catalog, out] = await Promise.all([
        import('../config.js'),
        import('../../meter/index.js'),
        import('../../app/index.js'),
        import('../../catalog/index.js'),
        import('../output.js'),
      ]);
      const { values: s, origin, file } = resolveSettings({
        flags: { region: flags.region, country: flags.country, intensity: flags.intensity, pue: flags.pue, instance: flags.instance, db: flags.db },
        env: process.env,
        cwd: process.cwd(),
      });
      const host = await meter.probeHost();
      const instance = s.instance ? catalog.findInstance(s.instance) : null;
      const cpu = app.chooseCpuModel({ instance, cpuModel: host.cpu.model, logicalCpus: host.cpu.logicalCpus });
      const loc = app.resolveLocation(
        {
          ...(s.region ? { region: s.region } : {}),
          ...(s.country ? { country: s.country } : {}),
          ...(s.intensity !== undefined ? { intensityGPerKwh: s.intensity } : {}),
          ...(s.pue !== undefined ? { pue: s.pue } : {}),
        },
        'local',
      );
      const { resolveDbLocation } = await import('../db.js');
      const dbLocation = await resolveDbLocation({ db: s.db });
      let store: { ok: boolean; reason?: string } = { ok: true };
      try {
        const { openStore } = await import('../../store/index.js');
        await (await openStore(dbLocation)).close();
      } catch (e) {
        store = { ok: false, reason: e instanceof Error ? e.message : String(e) };
      }
      const samplers = { procfs: host.procfs, cgroup: host.cgroup, rapl: host.rapl, nvidia: host.nvidia };
      const report = {
        cpu: { model: host.cpu.model, logicalCpus: host.cpu.logicalCpus, sockets: host.cpu.sockets, hypervisor: host.cpu.hypervisor, powerModel: cpu.label, match: cpu.match },
        memoryBytes: host.memoryBytes,
        cloud: host.dmi.cloud,
        samplers,
        cpuEnergy: host.rapl.available ? 'measured-counter (RAPL), busy-share attribution' : `modeled: ${cpu.label}`,
        location: loc.location.label,
        intensity: loc.intensity,
        pue: loc.pue,
        notes: loc.notes,
        settings: { file, origin },
        database: { location: dbLocation, ...store },
      };
      if (flags.json) return out.printJson(report);
      const c = out.colors();
      const mark = (ok: boolean): string => (ok ? c.green('yes') : c.yellow('no '));
      out.printLine(c.bold('Measuring on this machine'));
      for (const [name, p] of Object.entries(samplers)) {
        out.printLine(`  ${name.padEnd(7)} ${mark(p.available)}  ${p.available ? '' : p.reason}${!p.available && p.fix ? c.dim(`\n            fix: ${p.fix}`) : ''}`);
      }
      out.printLine(`\n${c.bold('CPU')}         ${host.cpu.model ?? 'unknown'} (${host.cpu.logicalCpus} logical CPUs${host.cpu.hypervisor ? ', virtual machine' : ''})`);
      out.printLine(`  energy    ${report.cpuEnergy}`);
      if (host.dmi.cloud) out.printLine(`  cloud     looks like ${host.dmi.cloud.provider} (${host.dmi.cloud.evidence}); pass --region and --instance for its factors`);
      out.printLine(`\n${c.bold('Location')}    ${loc.location.label}`);
      out.printLine(`  intensity ${loc.intensity.value} ${loc.intensity.unit}  ${c.dim(loc.intensity.source + (loc.intensity.year ? `, ${loc.intensity.year}` : ''))}`);
      out.printLine(`  PUE       ${loc.pue.value}  ${c.dim(loc.pue.source)}`);
      for (const n of loc.notes) out.printLine(c.yellow(`  note: ${n}`));
      out.printLine(`\n${c.bold('Settings')}    ${file ?? 'no greenml.config.json found'}${Object.keys(origin).length ? `; ${Object.entries(origin).map(([k, v]) => `${k} from ${v}`).join(', ')}` : ''}`);
      out.printLine(`${c.bold('Database')}    ${dbLocation}  ${store.ok ? c.green('ok') : c.red(store.reason ?? 'cannot open')}`);
    });
};
