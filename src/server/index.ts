/** @module server: createServer(deps) -> the HTTP API (Hono), auth, Prometheus /metrics, the dashboard; listen() binds it. */
export { createServer, OPENAPI_PATH } from './app.js';
export { DEFAULT_LIMITS, type ServerDeps, type ServerLimits, type ScheduleFn, type ScheduleInput, type PlanFn } from './deps.js';
export { HTTP_STATUS, statusFor, type ErrorBody } from './errors.js';
export { generateApiToken, hashApiToken, looksLikeToken, TOKEN_PREFIX, type NewToken } from './tokens.js';
export { listen, isLoopback, checkBindPolicy, type Listening, type ListenOptions } from './listen.js';
export { renderExposition, collectMetrics, type MetricFamily } from './metrics.js';
export type { Principal } from './auth.js';
export type { App } from './routes/kit.js';
