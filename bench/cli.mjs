// The CLI's own costs, measured end to end on the built CLI (npm run build first):
//   1. start-up: `greenml --version` and `greenml estimate ... --json` against `node -e 0`, the
//      floor any Node CLI pays, measured in the same run (median of --repeat runs each);
//   2. `greenml run -- true`: the wall time greenml adds to a command that does nothing;
//   3. `greenml run` on a CPU-bound child of --seconds (default 30) at 1 Hz and 10 Hz: greenml's
//      own CPU time as a share of the child's (target <= 0.5 % at 1 Hz).
// Usage: node bench/cli.mjs [--repeat 15] [--seconds 30] [--skip-overhead]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { repeat: { type: 'string', default: '15' }, seconds: { type: 'string', default: '30' }, 'skip-overhead': { type: 'boolean', default: false } } });
const repeat = Number(values.repeat);
const seconds = Number(values.seconds);
const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist/bin/greenml.js');
const busy = join(root, 'test/fixtures/children/busy.mjs');
const dir = mkdtempSync(join(tmpdir(), 'greenml-bench-cli-'));
const env = { ...process.env, NO_COLOR: '1', GREENML_DB: join(dir, 'bench.db') };

/** CPU seconds of this process's waited-for children (cutime + cstime), from /proc/self/stat. */
function childrenCpuS() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) / 100; // CLK_TCK 100 on Linux x86-64
}

function wallMs(cmd, args) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return performance.now() - t0;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function bench(label, cmd, args) {
  wallMs(cmd, args); // warm the file cache
  const times = Array.from({ length: repeat }, () => wallMs(cmd, args));
  return { label, medianMs: median(times), minMs: Math.min(...times) };
}

const node0 = bench('node -e 0', process.execPath, ['-e', '0']);
const rows = [
  node0,
  bench('greenml --version', process.execPath, [cli, '--version']),
  bench('greenml estimate (A100 x 100 h)', process.execPath, [cli, 'estimate', '--gpu', 'a100-sxm4-80gb', '--hours', '100', '--pue', '1', '--intensity', '367.8', '--json']),
  bench('greenml catalog regions', process.execPath, [cli, 'catalog', 'regions', '--json']),
];
console.log(`Start-up (median of ${repeat}, ${process.version})`);
for (const r of rows) console.log(`  ${r.label.padEnd(34)} ${r.medianMs.toFixed(1).padStart(7)} ms  x${(r.medianMs / node0.medianMs).toFixed(2)} of node -e 0`);

const trueAlone = bench('true', 'true', []);
const trueWrapped = bench('greenml run -- true', process.execPath, [cli, 'run', '-q', '--', 'true']);
console.log(`\n\`greenml run -- true\`: ${trueWrapped.medianMs.toFixed(0)} ms against ${trueAlone.medianMs.toFixed(1)} ms for true alone: ${((trueWrapped.medianMs - trueAlone.medianMs) / 1000).toFixed(3)} s added (target <= 0.3 s)`);

if (!values['skip-overhead']) {
  // greenml's fixed cost: the CPU of `greenml run -- true` (start-up, store, probes, final footprint).
  const fixed = [];
  for (let i = 0; i < 5; i++) {
    const b = childrenCpuS();
    spawnSync(process.execPath, [cli, 'run', '-q', '--', 'true'], { env, stdio: 'ignore' });
    fixed.push(childrenCpuS() - b);
  }
  const fixedS = median(fixed);
  console.log(`\nMeter overhead on a ${seconds} s CPU-bound child (greenml's own CPU / the child's CPU); fixed start-up and finish cost ${fixedS.toFixed(2)} s CPU`);
  for (const interval of ['1s', '0.1s']) {
    const report = join(dir, `busy-${interval}.json`);
    const before = childrenCpuS();
    const r = spawnSync(process.execPath, [cli, 'run', '-q', '--interval', interval, '--', process.execPath, busy, String(seconds)], { env: { ...env, BUSY_REPORT: report }, stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`greenml run exited ${r.status}`);
    const total = childrenCpuS() - before;
    const child = JSON.parse(readFileSync(report, 'utf8')).cpuS;
    const own = total - child;
    console.log(
      `  ${interval === '1s' ? '1 Hz ' : '10 Hz'}  greenml ${own.toFixed(2)} s CPU for ${child.toFixed(1)} s of child CPU: ${((own / child) * 100).toFixed(2)} % in all, ` +
        `${(((own - fixedS) / child) * 100).toFixed(2)} % while sampling (target <= 0.5 % at 1 Hz)`,
    );
  }
}
rmSync(dir, { recursive: true, force: true });
