#!/usr/bin/env node
// A small, honest CPU workload for greenml: trains a two-layer perceptron on the two-spirals
// problem in plain JavaScript (no dependencies) for about 20 s on one core, and logs its loss,
// accuracy, hyper-parameters and progress through greenml's metrics file when run under
// `greenml run`. Usage: node examples/train-mlp.mjs [--epochs 40] [--passes 75] [--hidden 48] [--lr 0.03] [--seed 7]
import { appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    epochs: { type: 'string', default: '40' },
    passes: { type: 'string', default: '75' },
    hidden: { type: 'string', default: '48' },
    lr: { type: 'string', default: '0.03' },
    samples: { type: 'string', default: '6000' },
    seed: { type: 'string', default: '7' },
  },
});
const EPOCHS = Number(values.epochs);
const PASSES = Number(values.passes);
const HIDDEN = Number(values.hidden);
const LR = Number(values.lr);
const N = Number(values.samples);
for (const [k, v] of Object.entries({ EPOCHS, PASSES, HIDDEN, LR, N })) {
  if (!Number.isFinite(v) || v <= 0) {
    console.error(`train-mlp: ${k.toLowerCase()} must be a positive number`);
    process.exit(2);
  }
}

const metricsFile = process.env.GREENML_METRICS_FILE;
const log = (obj) => {
  if (metricsFile) appendFileSync(metricsFile, JSON.stringify(obj) + '\n');
};

// Mulberry32: a tiny seeded generator so every run trains on the same data.
let state = Number(values.seed) >>> 0;
const rand = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());

// Two interleaved spirals: not linearly separable, so the network has real work to do.
const X = new Float64Array(N * 2);
const Y = new Uint8Array(N);
for (let i = 0; i < N; i++) {
  const cls = i % 2;
  const r = (i / N) * 6 + 0.5;
  const a = (i / N) * 4 * Math.PI + cls * Math.PI;
  X[2 * i] = (r * Math.cos(a)) / 6 + gauss() * 0.06;
  X[2 * i + 1] = (r * Math.sin(a)) / 6 + gauss() * 0.06;
  Y[i] = cls;
}

const W1 = Float64Array.from({ length: 2 * HIDDEN }, () => gauss() * 3);
const b1 = new Float64Array(HIDDEN);
const W2 = Float64Array.from({ length: HIDDEN }, () => gauss() * Math.sqrt(1 / HIDDEN));
let b2 = 0;
const h = new Float64Array(HIDDEN);
const order = Uint32Array.from({ length: N }, (_, i) => i);

log({ param: 'epochs', value: EPOCHS });
log({ param: 'passes', value: PASSES });
log({ param: 'hidden', value: HIDDEN });
log({ param: 'lr', value: LR });
log({ param: 'samples', value: N });

const started = Date.now();
for (let epoch = 1; epoch <= EPOCHS; epoch++) {
  let loss = 0;
  let correct = 0;
  // Several passes per logged epoch keep the run near 20 s on a typical core; the learning rate
  // decays so that per-sample SGD settles instead of oscillating.
  const lr = LR / (1 + 0.05 * epoch);
  for (let pass = 0; pass < PASSES; pass++) {
    for (let k = N - 1; k > 0; k--) {
      const r = Math.floor(rand() * (k + 1));
      const tmp = order[k];
      order[k] = order[r];
      order[r] = tmp;
    }
    for (let k = 0; k < N; k++) {
      const i = order[k];
      const x0 = X[2 * i];
      const x1 = X[2 * i + 1];
      let z = b2;
      for (let j = 0; j < HIDDEN; j++) {
        const a = W1[2 * j] * x0 + W1[2 * j + 1] * x1 + b1[j];
        h[j] = Math.tanh(a);
        z += W2[j] * h[j];
      }
      const p = 1 / (1 + Math.exp(-z));
      const y = Y[i];
      if (pass === PASSES - 1) {
        loss += -(y * Math.log(p + 1e-12) + (1 - y) * Math.log(1 - p + 1e-12));
        if ((p > 0.5 ? 1 : 0) === y) correct++;
      }
      const dz = p - y;
      for (let j = 0; j < HIDDEN; j++) {
        const dh = dz * W2[j] * (1 - h[j] * h[j]);
        W2[j] -= lr * dz * h[j];
        W1[2 * j] -= lr * dh * x0;
        W1[2 * j + 1] -= lr * dh * x1;
        b1[j] -= lr * dh;
      }
      b2 -= lr * dz;
    }
  }
  const accuracy = correct / N;
  log({ key: 'loss', value: loss / N, step: epoch });
  log({ key: 'accuracy', value: accuracy, step: epoch });
  log({ epoch, epochs: EPOCHS });
  if (epoch % 5 === 0 || epoch === EPOCHS) {
    process.stdout.write(`epoch ${epoch}/${EPOCHS} loss ${(loss / N).toFixed(4)} accuracy ${(accuracy * 100).toFixed(1)}%\n`);
  }
}
process.stdout.write(`trained in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
