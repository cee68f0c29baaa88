/** An error as the API sends it (`{code, message, details}`), or a network failure. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
  }
}

let token: string | null = null;
let onUnauthenticated: (() => void) | undefined;

export function setApiToken(value: string | null): void {
  token = value;
}

/** Called when the collector stops accepting the token mid-session (revoked, expired). */
export function onTokenRejected(handler: () => void): void {
  onUnauthenticated = handler;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
  /** Use this token instead of the session's (logging in). */
  token?: string;
  signal?: AbortSignal;
}

/** JSON in, JSON out, with the bearer token; non-2xx answers throw an ApiError. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const bearer = options.token ?? token;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK', 'The collector cannot be reached. Check the connection.');
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (response.ok) return body as T;
  const problem = (body ?? {}) as { code?: string; message?: string; details?: unknown };
  const error = new ApiError(
    response.status,
    problem.code ?? `HTTP_${response.status}`,
    problem.message ?? (response.statusText || `HTTP ${response.status}`),
    Array.isArray(problem.details) ? problem.details.map(String) : [],
  );
  if (response.status === 401 && !options.token) onUnauthenticated?.();
  throw error;
}

/** What to tell a person about a failed login. */
export function loginProblem(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401)
      return 'That token was not accepted: it is unknown, revoked or expired.';
    if (error.status === 403) return 'This token is not allowed to use the dashboard.';
    if (error.status === 0) return error.message;
    return `The collector answered ${error.status}: ${error.message}`;
  }
  return (error as Error).message;
}
