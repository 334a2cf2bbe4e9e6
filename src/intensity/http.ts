/**
 * HTTP for the live providers: one place that turns a network failure, an HTTP error or a body
 * that is not JSON into GreenmlError('UPSTREAM_FAILED') with the status and what to check.
 * Secrets travel in headers only, so URLs are safe to show.
 */
import { GreenmlError } from '../core/index.js';
import type { FetchLike } from './source.js';

export interface Provider {
  /** "Electricity Maps", "WattTime", "the GB Carbon Intensity API". */
  name: string;
  /** What to check on 401/403, e.g. "the token in GREENML_ELECTRICITYMAPS_TOKEN". */
  credentials?: string;
}

function hint(status: number, provider: Provider): string {
  if (status === 401) return `Check ${provider.credentials ?? 'the credentials'}.`;
  if (status === 403) return `Check ${provider.credentials ?? 'the credentials'} and that your plan includes this endpoint and zone.`;
  if (status === 400 || status === 404) return 'Check the zone or region name and the time span.';
  if (status === 429) return 'Rate limited: wait a little, or rely on cached intensity (greenml caches what it fetches).';
  if (status >= 500) return `${provider.name} is having trouble; try again later or use another --source.`;
  return 'Check the request.';
}

const snippet = (body: string): string => {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
};

export async function getJson(fetchFn: FetchLike, url: string, provider: Provider, headers: Record<string, string> = {}): Promise<unknown> {
  const where = url.replace(/\?.*$/, '');
  let res: Response;
  try {
    res = await fetchFn(url, { headers: { accept: 'application/json', ...headers } });
  } catch (e) {
    throw new GreenmlError('UPSTREAM_FAILED', `Could not reach ${provider.name} (${where}): ${(e as Error).message}. Check the network connection and any proxy settings.`, {
      cause: e,
      details: { provider: provider.name, url },
    });
  }
  const body = await res.text();
  if (!res.ok) {
    throw new GreenmlError(
      'UPSTREAM_FAILED',
      `${provider.name} answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''} for ${where}${body ? `: ${snippet(body)}` : ''}. ${hint(res.status, provider)}`,
      { details: { provider: provider.name, status: res.status, url } },
    );
  }
  try {
    return JSON.parse(body);
  } catch (e) {
    throw new GreenmlError('UPSTREAM_FAILED', `${provider.name} answered ${where} with something that is not JSON (${snippet(body)}).`, {
      cause: e,
      details: { provider: provider.name, status: res.status, url },
    });
  }
}

/** A response that is not the documented shape: the provider changed its API, or the URL is wrong. */
export function unexpected(provider: Provider, what: string): GreenmlError {
  return new GreenmlError('UPSTREAM_FAILED', `${provider.name} sent an unexpected response (${what}); its API may have changed. Please report this with the zone and time span.`);
}

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const defaultFetch: FetchLike = (url, init) => fetch(url, init);
