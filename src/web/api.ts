/**
 * The dashboard's HTTP client. URLs are relative to the page, so the dashboard works wherever it is
 * mounted; every error body of the API (`{ error: { code, message } }`) becomes an ApiError whose
 * message is the server's own, shown to the user as it is.
 */

const TOKEN_KEY = 'greenml.token';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Query = Record<string, string | number | boolean | null | undefined | readonly string[]>;

export function getToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    // Private browsing without storage: the token lasts for this page only.
  }
}

export function apiUrl(path: string, query: Query = {}): string {
  const url = new URL(path.replace(/^\//, ''), document.baseURI);
  for (const [k, v] of Object.entries(query)) {
    if (v === null || v === undefined || v === '') continue;
    url.searchParams.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  return url.toString();
}

async function request<T>(method: string, path: string, query: Query, body: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(apiUrl(path, query), { method, headers, body: body === undefined ? null : JSON.stringify(body), ...(signal ? { signal } : {}) });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'NETWORK', `The greenml server did not answer (${e instanceof Error ? e.message : String(e)}). Is \`greenml serve\` still running?`);
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // Fall through: a non-JSON body (a proxy's error page) is reported by status below.
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(res.status, err?.code ?? `HTTP_${res.status}`, err?.message ?? `${method} ${path} failed with HTTP ${res.status} ${res.statusText}.`);
  }
  return json as T;
}

export const api = {
  get: <T>(path: string, query: Query = {}, signal?: AbortSignal): Promise<T> => request<T>('GET', path, query, undefined, signal),
  post: <T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> => request<T>('POST', path, {}, body, signal),
};

/** Runs `fn` over `items` with at most `limit` requests in flight (the server is often a laptop). */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
