/**
 * `greenml tokens create|list|revoke`: API tokens for `greenml serve`. A token is shown once, when
 * it is created (on stdout alone, so `$(greenml tokens create ...)` captures it); the store keeps
 * only its SHA-256. Scopes nest read < ingest < admin; a token names one project or all of them.
 */
import type { Command } from 'commander';
import { GreenmlError, TOKEN_SCOPES, type ApiTokenRecord, type TokenScope } from '../../core/index.js';
import { colors, printJson, printLine } from '../output.js';
import { renderTable, type Column } from '../table.js';

export interface CreateFlags {
  project?: string;
  allProjects?: boolean;
  scope?: string;
  name?: string;
  db?: string;
  json?: boolean;
}

export interface CreatedToken {
  record: ApiTokenRecord;
  /** The secret, shown once. */
  token: string;
}

const iso = (ms: number | null): string => (ms === null ? '—' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));

function checkScope(scope: string | undefined): TokenScope {
  if (scope === undefined) throw new GreenmlError('INVALID_INPUT', `Give --scope: read (dashboards, reports), ingest (greenml run --server, agents) or admin (also deletes runs and manages tokens).`);
  const s = scope.trim().toLowerCase();
  if ((TOKEN_SCOPES as readonly string[]).includes(s)) return s as TokenScope;
  throw new GreenmlError('INVALID_INPUT', `Unknown --scope "${scope}": use one of ${TOKEN_SCOPES.join(', ')} (each includes the ones before it).`);
}

export async function createToken(flags: CreateFlags, nowMs: number): Promise<CreatedToken> {
  const scope = checkScope(flags.scope);
  if (flags.project !== undefined && flags.allProjects) throw new GreenmlError('INVALID_INPUT', 'Give --project <name> or --all-projects, not both.');
  if (flags.project === undefined && !flags.allProjects) {
    throw new GreenmlError('INVALID_INPUT', 'Give --project <name> for a token limited to one project, or --all-projects for a token that reaches every project.');
  }
  const project = flags.allProjects ? null : (flags.project as string).trim();
  if (project === '') throw new GreenmlError('INVALID_INPUT', '--project is empty: give the project name.');
  const name = (flags.name ?? `${scope} ${project ?? 'all projects'}`).trim();
  if (name === '' || name.length > 200) throw new GreenmlError('INVALID_INPUT', '--name must be 1 to 200 characters.');
  const { generateApiToken } = await import('../../server/index.js');
  const { openCliStore } = await import('../db.js');
  const t = generateApiToken();
  const record: ApiTokenRecord = { id: t.id, name, project, scope, hash: t.hash, createdAt: nowMs, lastUsedAt: null, revokedAt: null };
  const store = await openCliStore({ db: flags.db });
  try {
    await store.createToken(record);
  } finally {
    await store.close();
  }
  return { record, token: t.token };
}

/** A token record without its digest: what listings show. */
const shown = ({ hash: _hash, ...rest }: ApiTokenRecord): Omit<ApiTokenRecord, 'hash'> => rest;

export async function listTokens(flags: { db?: string }): Promise<ApiTokenRecord[]> {
  const { openCliStore } = await import('../db.js');
  const store = await openCliStore({ db: flags.db });
  try {
    return await store.listTokens();
  } finally {
    await store.close();
  }
}

export async function revokeToken(id: string, flags: { db?: string }, nowMs: number): Promise<ApiTokenRecord> {
  const { openCliStore } = await import('../db.js');
  const store = await openCliStore({ db: flags.db });
  try {
    const token = (await store.listTokens()).find((t) => t.id === id);
    if (!token) throw new GreenmlError('NOT_FOUND', `No token "${id}". List them with greenml tokens list.`, { details: { id } });
    if (token.revokedAt !== null) throw new GreenmlError('CONFLICT', `Token ${id} was revoked already, at ${iso(token.revokedAt)}.`, { details: { id } });
    await store.revokeToken(id, nowMs);
    return { ...token, revokedAt: nowMs };
  } finally {
    await store.close();
  }
}

export const registerTokens = (program: Command): void => {
  const tokens = program.command('tokens').description('API tokens for greenml serve: create (shown once), list, revoke');
  const dbHelp = "the server's database (default: GREENML_DB, the config file, or the user data directory)";

  tokens
    .command('create')
    .description('Create a token and print it once (only its SHA-256 is kept)')
    .option('--project <name>', 'the one project the token may read or write')
    .option('--all-projects', 'a token for every project (needed to manage tokens and to claim jobs)')
    .option('--scope <scope>', 'read, ingest (includes read) or admin (includes ingest)')
    .option('--name <name>', 'a label for listings')
    .option('--db <location>', dbHelp)
    .option('--json', 'print JSON (the token included)')
    .action(async (flags: CreateFlags) => {
      const { record, token } = await createToken(flags, Date.now());
      if (flags.json) return printJson({ ...shown(record), token });
      printLine(token);
      const c = colors();
      process.stderr.write(
        `${c.green('Created')} ${record.id} "${record.name}": scope ${record.scope}, ${record.project === null ? 'all projects' : `project ${record.project}`}.\n` +
          `${c.yellow('This is the only time the token is shown')}: greenml keeps only its SHA-256. Store it now, e.g.\n` +
          `  export GREENML_TOKEN=${token.slice(0, 8)}...   # then: greenml run --server http://<host>:8767 -- <command>\n`,
      );
    });

  tokens
    .command('list')
    .description('List tokens (never the secrets)')
    .option('--db <location>', dbHelp)
    .option('--json', 'print JSON')
    .action(async (flags: { db?: string; json?: boolean }) => {
      const all = await listTokens(flags);
      if (flags.json) return printJson(all.map(shown));
      if (all.length === 0) return printLine('No tokens. Create one with greenml tokens create --project <name> --scope ingest.');
      const cols: Column<ApiTokenRecord>[] = [
        { header: 'ID', value: (t) => t.id },
        { header: 'NAME', value: (t) => t.name },
        { header: 'PROJECT', value: (t) => t.project ?? '(all)' },
        { header: 'SCOPE', value: (t) => t.scope },
        { header: 'CREATED', value: (t) => iso(t.createdAt) },
        { header: 'LAST USED', value: (t) => iso(t.lastUsedAt) },
        { header: 'REVOKED', value: (t) => iso(t.revokedAt) },
      ];
      printLine(renderTable(all, cols));
    });

  tokens
    .command('revoke <id>')
    .description('Revoke a token: requests with it are refused from now on')
    .option('--db <location>', dbHelp)
    .option('--json', 'print JSON')
    .action(async (id: string, flags: { db?: string; json?: boolean }) => {
      const t = await revokeToken(id, flags, Date.now());
      if (flags.json) return printJson(shown(t));
      printLine(`Revoked ${t.id} "${t.name}".`);
    });
};
