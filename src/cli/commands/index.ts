import type { Command } from 'commander';
import { registerCatalog } from './catalog.js';
import { registerEstimate } from './estimate.js';
import { registerRun } from './run.js';
import { registerRuns } from './runs.js';
import { registerDoctor } from './doctor.js';
import { registerPlan } from './plan.js';
import { registerIntensity } from './intensity.js';
import { registerBudget } from './budget.js';
import { registerReport } from './report.js';
import { registerServe } from './serve.js';
import { registerTokens } from './tokens.js';
import { registerSync } from './sync.js';
import { registerSchedule } from './schedule.js';
import { registerAgent } from './agent.js';
import { registerJobs } from './jobs.js';
import { registerDb } from './db.js';

/** Each command module registers its flags and a lazily-loading action. */
export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [registerRun, registerRuns, registerDoctor, registerEstimate, registerCatalog, registerPlan, registerIntensity, registerBudget, registerReport, registerServe, registerTokens, registerSync, registerSchedule, registerAgent, registerJobs, registerDb];
