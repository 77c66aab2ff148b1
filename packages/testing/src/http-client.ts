import { Agent } from 'undici';
export interface JsonResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** A raw body sent as is (for malformed or non-JSON bodies); otherwise `json` is serialised. */
  raw?: string;
  json?: unknown;
}

export interface ClientOptions {
  /**
   * The loopback address to send from (127.0.0.2, …): the gateway limits writes per client address, so a test
   * that fills a bucket on purpose does it from an address of its own and leaves 127.0.0.1's to the others.
   */
  localAddress?: string;
}

/** A small HTTP client bound to a base URL; answers are parsed as JSON when they are JSON. */
export function httpClient(baseUrl: string, client: ClientOptions = {}) {
  const dispatcher = client.localAddress ? new Agent({ localAddress: client.localAddress }) : undefined;
  /* eslint-disable @typescript-eslint/no-explicit-any -- tests read answers field by field */
  const send = async <T = any>(method: string, path: string, options: RequestOptions = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | undefined = options.raw;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body,
      ...(dispatcher ? { dispatcher } : {}),
    });
    const text = await response.text();
    const isJson = response.headers.get('content-type')?.includes('json') ?? false;
    return {
      status: response.status,
      headers: response.headers,
      body: (isJson ? JSON.parse(text) : text) as T,
    };
  };
  return {
    get: <T = any>(path: string, options?: RequestOptions) => send<T>('GET', path, options),
    delete: <T = any>(path: string, options?: RequestOptions) => send<T>('DELETE', path, options),
    post: <T = any>(path: string, json?: unknown, options: RequestOptions = {}) =>
      send<T>('POST', path, { ...options, json }),
    send,
  };
  /* eslint-enable @typescript-eslint/no-explicit-any */
}

export type HttpClient = ReturnType<typeof httpClient>;
