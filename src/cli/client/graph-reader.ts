/**
 * A read-only Microsoft Graph client for `openpim import` (graph-import.ts): any Graph endpoint
 * (a Microsoft tenant or an OpenPIM) with a bearer token, `@odata.nextLink` paging (links rebased
 * on the endpoint, so the token goes nowhere else), and bounded retries when Graph throttles
 * (429, or 503, honouring `Retry-After`).
 */
import { apiErrorOf, send } from './api-client.ts';
import { CliError, EXIT } from './cli-error.ts';

export interface GraphReaderOptions {
  /** Retries of a throttled (429) or unavailable (503) call before giving up. */
  readonly maxRetries?: number;
  /** The longest wait between retries, in ms (a longer Retry-After is cut to it). */
  readonly maxWaitMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** GET-only Graph client: bearer token, `@odata.nextLink` paging, bounded retries on throttling. */
export class GraphReader {
  readonly server: string;
  private readonly token: string;
  private readonly maxRetries: number;
  private readonly maxWaitMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(server: string, token: string, options: GraphReaderOptions = {}) {
    this.server = normalizeServer(server);
    this.token = token;
    this.maxRetries = options.maxRetries ?? 5;
    this.maxWaitMs = options.maxWaitMs ?? 60_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** The body of a GET, or null on 404. */
  async tryGet<T>(path: string): Promise<T | null> {
    for (let attempt = 0; ; attempt++) {
      const res = await send(this.server, 'GET', path, { token: this.token });
      if (res.status >= 200 && res.status < 300) return res.body as T;
      if (res.status === 404) return null;
      if ((res.status === 429 || res.status === 503) && attempt < this.maxRetries) {
        await this.sleep(retryDelay(res.headers.get('retry-after'), attempt, this.maxWaitMs));
        continue;
      }
      const error = apiErrorOf(res);
      throw new CliError(`GET ${path.split('?')[0]} on ${this.server}: ${error.message}`, error.exitCode);
    }
  }

  async get<T>(path: string): Promise<T> {
    const body = await this.tryGet<T>(path);
    if (body === null) throw new CliError(`GET ${path.split('?')[0]} on ${this.server}: not found`, EXIT.notFound);
    return body;
  }

  /** Every item of a collection, following `@odata.nextLink`. */
  async list<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let next: string | undefined = path;
    while (next) {
      const page: { value?: T[]; '@odata.nextLink'?: string } = await this.get(next);
      items.push(...(page.value ?? []));
      next = page['@odata.nextLink'];
    }
    return items;
  }
}

/** `https://graph.microsoft.com/v1.0/` → `https://graph.microsoft.com`. */
export function normalizeServer(server: string): string {
  return server.replace(/\/+$/, '').replace(/\/(v1\.0|beta)$/i, '');
}

/** Retry-After in seconds or as an HTTP date; without it, 1 s, 2 s, 4 s…; never above `maxMs`. */
export function retryDelay(retryAfter: string | null, attempt: number, maxMs: number): number {
  let ms = 1000 * 2 ** attempt;
  if (retryAfter !== null && /^\d+$/.test(retryAfter.trim())) ms = Number(retryAfter.trim()) * 1000;
  else if (retryAfter !== null && !Number.isNaN(Date.parse(retryAfter))) ms = Math.max(0, Date.parse(retryAfter) - Date.now());
  return Math.min(ms, maxMs);
}
