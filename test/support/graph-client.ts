/**
 * Microsoft's Graph JavaScript client pointed at OpenPIM on loopback: a bearer middleware (the
 * library's own handler only sets tokens for Graph's https hosts) and a helper for the GraphError
 * a refused call rejects with.
 *
 * @example
 *   const me = graphClient(baseUrl, () => api.token(alice));
 *   await me.api('/roleManagement/directory/roleAssignmentScheduleRequests').post(body);
 *   await me.api(`/roleManagement/directory/roleAssignmentApprovals/${id}`).version('beta').get();
 */
import { Client, GraphError, HTTPMessageHandler, type Context, type Middleware } from '@microsoft/microsoft-graph-client';

/** Sets `Authorization: Bearer …` on every request. */
export class BearerMiddleware implements Middleware {
  readonly #token: () => Promise<string>;
  #next: Middleware | undefined;
  constructor(token: () => Promise<string>) {
    this.#token = token;
  }
  async execute(context: Context): Promise<void> {
    const value = `Bearer ${await this.#token()}`;
    if (context.request instanceof Request) {
      context.request.headers.set('Authorization', value);
    } else {
      context.options ??= {};
      const headers = new Headers(context.options.headers as ConstructorParameters<typeof Headers>[0]);
      headers.set('Authorization', value);
      context.options.headers = headers;
    }
    await this.#next!.execute(context);
  }
  setNext(next: Middleware): void {
    this.#next = next;
  }
}

/** A Graph client for OpenPIM at `baseUrl` (http://127.0.0.1:PORT), v1.0 by default. */
export function graphClient(baseUrl: string, token: () => Promise<string>): Client {
  const auth = new BearerMiddleware(token);
  auth.setNext(new HTTPMessageHandler());
  return Client.initWithMiddleware({ middleware: auth, baseUrl, defaultVersion: 'v1.0' });
}

export interface GraphFailure {
  readonly statusCode: number;
  readonly code: string | null;
  readonly message: string;
  readonly body: { code: string; message: string; innerError: { date: string; 'request-id': string } };
  readonly headers: Headers | undefined;
}

/** The GraphError a client call rejects with (fails the test if it resolves). */
export async function graphFailure(call: Promise<unknown>): Promise<GraphFailure> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof GraphError)) throw error;
    return { statusCode: error.statusCode, code: error.code, message: error.message, body: JSON.parse(error.body as string), headers: error.headers };
  }
  throw new Error('expected the Graph call to fail, but it succeeded');
}
