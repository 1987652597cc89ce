// The REST client: bearer tokens, one refresh-and-retry on 401, ProblemDetails turned into ApiError.

// Same origin in production. Only for development, localStorage.apiBase points the app at another server.
const apiBase = (localStorage.getItem('apiBase') || '').replace(/\/+$/, '');
const REFRESH_TOKEN_KEY = 'stockalerts.refreshToken';
// Refresh a little early so a request never leaves with a token that expires in flight.
const EXPIRY_MARGIN_MS = 60_000;

let accessToken = null;
let accessTokenExpiresAt = 0;
let refreshInFlight = null;
const sessionListeners = new Set();

export function apiUrl(path) {
  return apiBase + path;
}

export class ApiError extends Error {
  constructor(status, problem = {}, retryAfterSeconds = null) {
    super(describe(status, problem, retryAfterSeconds));
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** Validation messages keyed by JSON path, as the server sent them. */
  get errors() {
    return this.problem && typeof this.problem.errors === 'object' && this.problem.errors ? this.problem.errors : {};
  }
}

function describe(status, problem, retryAfterSeconds) {
  if (status === 0) return 'The server could not be reached. Check your connection and try again.';
  if (status === 429) return `Too many requests. Try again in ${retryAfterSeconds ?? 'a few'} seconds.`;
  if (status === 413) return 'That is more than the server accepts in one request.';
  if (problem.detail && problem.detail !== 'Failed') return problem.detail;
  if (problem.title) return problem.title;
  return status >= 500 ? 'Something went wrong on the server. Try again in a moment.' : `The server answered ${status}.`;
}

export function hasSession() {
  return localStorage.getItem(REFRESH_TOKEN_KEY) !== null;
}

/** Called with 'signed-in' or 'signed-out', and a reason: 'user' | 'expired' | 'other-tab'. */
export function onSessionChange(listener) {
  sessionListeners.add(listener);
  return () => sessionListeners.delete(listener);
}

function emit(state, reason) {
  for (const listener of sessionListeners) listener(state, reason);
}

function storeTokens({ accessToken: token, expiresIn, refreshToken }) {
  accessToken = token;
  accessTokenExpiresAt = Date.now() + (expiresIn ?? 3600) * 1000;
  localStorage.setItem(REFRESH_TOKEN_KEY, refreshToken);
}

function forgetTokens() {
  accessToken = null;
  accessTokenExpiresAt = 0;
  localStorage.removeItem(REFRESH_TOKEN_KEY);
}

export async function signIn(email, password) {
  storeTokens(await request('/api/auth/login', { method: 'POST', body: { email, password }, auth: false }));
  emit('signed-in', 'user');
}

export async function register(email, password) {
  await request('/api/auth/register', { method: 'POST', body: { email, password }, auth: false });
  await signIn(email, password);
}

/** Ends the session on the server when it can (the logout endpoint is optional), then here. */
export async function signOut() {
  const refreshToken = localStorage.getItem(REFRESH_TOKEN_KEY);
  if (refreshToken) {
    try {
      await request('/api/auth/logout', { method: 'POST', body: { refreshToken } });
    } catch {
      // 404 (no such endpoint), offline or an expired session: the tokens are forgotten below either way.
    }
  }
  endSession('user');
}

export function endSession(reason) {
  if (!hasSession() && accessToken === null) return;
  forgetTokens();
  emit('signed-out', reason);
}

/** A token good for at least another minute, refreshed if needed. Used by fetch and by the hubs. */
export async function getAccessToken() {
  if (accessToken && Date.now() < accessTokenExpiresAt - EXPIRY_MARGIN_MS) return accessToken;
  await refresh();
  return accessToken;
}

function refresh() {
  // One refresh at a time: parallel 401s all wait for the same new token.
  refreshInFlight ??= (async () => {
    // Read it now, not at startup: another tab may have refreshed or signed out meanwhile.
    const refreshToken = localStorage.getItem(REFRESH_TOKEN_KEY);
    if (!refreshToken) {
      endSession('expired');
      throw new ApiError(401, { title: 'Signed out' });
    }
    try {
      storeTokens(await request('/api/auth/refresh', { method: 'POST', body: { refreshToken }, auth: false }));
    } catch (error) {
      // Offline keeps the session for later; a refused token ends it.
      if (error instanceof ApiError && (error.status === 401 || error.status === 400)) endSession('expired');
      throw error;
    }
  })().finally(() => { refreshInFlight = null; });
  return refreshInFlight;
}

/**
 * fetch for the JSON API. Resolves to the parsed body (null when empty); rejects with ApiError.
 * options: method, body (sent as JSON), auth (default true), signal.
 */
export async function request(path, { method = 'GET', body, auth = true, signal } = {}) {
  const send = async () => {
    const headers = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (auth) headers.authorization = `Bearer ${await getAccessToken()}`;
    try {
      return await fetch(apiUrl(path), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
        cache: 'no-store',
      });
    } catch (error) {
      if (error.name === 'AbortError') throw error;
      throw new ApiError(0);
    }
  };

  let response = await send();
  if (response.status === 401 && auth) {
    // The token may have been revoked or the clock skewed: refresh once and try again. A 401 after a successful
    // refresh is about this request (e.g. a wrong password), not the session, so it is reported like any error.
    accessToken = null;
    await refresh();
    response = await send();
  }

  const data = await readBody(response);
  if (!response.ok) {
    const problem = data && typeof data === 'object' ? data : { detail: typeof data === 'string' ? data : undefined };
    const retryAfter = Number.parseInt(response.headers.get('retry-after') ?? '', 10);
    throw new ApiError(response.status, problem, Number.isFinite(retryAfter) ? retryAfter : null);
  }
  return data;
}

async function readBody(response) {
  const text = await response.text();
  if (!text) return null;
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

export const get = (path, options) => request(path, { ...options, method: 'GET' });
export const post = (path, body, options) => request(path, { ...options, method: 'POST', body });
export const put = (path, body, options) => request(path, { ...options, method: 'PUT', body });
export const del = (path, body, options) => request(path, { ...options, method: 'DELETE', body });

/**
 * Whether an error means "this server has no such endpoint yet" (for optional features). An unmatched route
 * answers a bare 404/405; a missing resource answers 404 with a detail saying which.
 */
export function isMissingEndpoint(error) {
  return error instanceof ApiError && (error.status === 404 || error.status === 405) && !error.problem.detail;
}

// Signing out in one tab signs out every tab.
window.addEventListener('storage', (event) => {
  if (event.key === REFRESH_TOKEN_KEY && event.newValue === null) {
    accessToken = null;
    emit('signed-out', 'other-tab');
  } else if (event.key === REFRESH_TOKEN_KEY && event.oldValue === null && event.newValue !== null) {
    emit('signed-in', 'other-tab');
  }
});
