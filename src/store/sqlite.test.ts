import { afterAll } from 'vitest';
import { sqliteHarness } from './harness.contract.js';
import { describeStore } from './store.contract.js';

const harness = sqliteHarness();
afterAll(() => harness.cleanup());

describeStore('sqlite (temporary files)', () => harness.make());
