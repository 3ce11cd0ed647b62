// The only module that talks to the server: OAuth (authorization code + PKCE, silent refresh), GraphQL over
// HTTP, and subscriptions over graphql-ws. Tokens live in sessionStorage: a tab's sign-in ends with the tab.
import { createClient, type Client, type ClientOptions } from 'graphql-ws';
import { codeChallenge, randomVerifier } from './pkce';
import type { TypedDocumentString } from './generated/graphql';

const CLIENT_ID = 'respond-designer';
const TOKENS = 'respond.tokens';
const PENDING = 'respond.signin';

interface Tokens {
  accessToken: string;
  refreshToken: string | null;
  expiresAt: number;
}
interface PendingSignIn {
  verifier: string;
  state: string;
  returnTo: string;
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
  }
}

function redirectUri(): string {
  return `${location.origin}/auth/callback`;
}

function readTokens(): Tokens | null {
  const raw = sessionStorage.getItem(TOKENS);
  return raw ? (JSON.parse(raw) as Tokens) : null;
}

interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  expires_in?: number;
}

function storeTokens(body: TokenResponse): Tokens {
  const previous = readTokens();
  const tokens: Tokens = {
    accessToken: body.access_token,
    refreshToken: body.refresh_token ?? previous?.refreshToken ?? null,
    expiresAt: Date.now() + (body.expires_in ?? 3600) * 1000,
  };
  sessionStorage.setItem(TOKENS, JSON.stringify(tokens));
  return tokens;
}

export function isSignedIn(): boolean {
  return readTokens() !== null;
}

export async function startSignIn(returnTo = location.pathname + location.search): Promise<never> {
  const verifier = randomVerifier();
  const state = randomVerifier();
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, returnTo } satisfies PendingSignIn));
  const query = new URLSearchParams({
    client_id: CLIENT_ID,
    response_type: 'code',
    redirect_uri: redirectUri(),
    scope: 'offline_access',
    code_challenge: await codeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
  });
  location.assign(`/connect/authorize?${query.toString()}`);
  return new Promise<never>(() => {});
}

/** Finishes the flow on /auth/callback; returns where the user was going. */
export async function completeSignIn(search: string): Promise<string> {
  const params = new URLSearchParams(search);
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null') as PendingSignIn | null;
  sessionStorage.removeItem(PENDING);
  if (params.get('error'))
    throw new ApiError(params.get('error_description') ?? params.get('error') ?? 'Sign-in failed', params.get('error'));
  if (!pending || params.get('state') !== pending.state)
    throw new ApiError('The sign-in response does not match this tab; please sign in again.', 'STATE');
  const response = await fetch('/connect/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: CLIENT_ID,
      code: params.get('code') ?? '',
      redirect_uri: redirectUri(),
      code_verifier: pending.verifier,
    }),
  });
  if (!response.ok) throw new ApiError('The server refused the sign-in code.', 'TOKEN');
  storeTokens((await response.json()) as TokenResponse);
  return pending.returnTo.startsWith('/auth/') ? '/' : pending.returnTo;
}

let refreshing: Promise<Tokens | null> | null = null;

async function refresh(): Promise<Tokens | null> {
  const tokens = readTokens();
  if (!tokens?.refreshToken) return null;
  refreshing ??= (async () => {
    try {
      const response = await fetch('/connect/token', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', client_id: CLIENT_ID, refresh_token: tokens.refreshToken! }),
      });
      return response.ok ? storeTokens((await response.json()) as TokenResponse) : null;
    } catch {
      return null;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/** A valid access token, refreshed silently a minute before it expires; starts a new sign-in when refresh fails. */
export async function accessToken(): Promise<string> {
  let tokens = readTokens();
  if (tokens && tokens.expiresAt - 60_000 < Date.now()) tokens = await refresh();
  if (!tokens) {
    sessionStorage.removeItem(TOKENS);
    return startSignIn();
  }
  return tokens.accessToken;
}

/** A new access token even if the stored one looks valid (the server refused it); starts a new sign-in when refresh fails. */
async function renewedAccessToken(): Promise<string> {
  const tokens = await refresh();
  if (tokens) return tokens.accessToken;
  sessionStorage.removeItem(TOKENS);
  return startSignIn();
}

export function signOut(): void {
  sessionStorage.removeItem(TOKENS);
  void wsClient?.dispose();
  wsClient = null;
  setLive(false);
  location.assign('/logout');
}

interface GraphQLResponse<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** Runs a query or mutation typed by codegen (queries.ts): the result and variables are the schema's. */
export async function gql<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables?: TVariables,
): Promise<TResult> {
  const query = document.toString();
  const send = async (token: string) =>
    fetch('/graphql', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/graphql-response+json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
  let response = await send(await accessToken());
  if (response.status === 401) {
    const renewed = await refresh();
    if (!renewed) return startSignIn();
    response = await send(renewed.accessToken);
  }
  let body: GraphQLResponse<TResult>;
  try {
    body = (await response.json()) as GraphQLResponse<TResult>;
  } catch {
    throw new ApiError(`The server answered ${response.status}.`, 'HTTP');
  }
  if (body.errors?.length) {
    const first = body.errors[0]!;
    throw new ApiError(first.message, first.extensions?.code ?? null);
  }
  if (!body.data) throw new ApiError('The server returned no data.', 'NO_DATA');
  return body.data;
}

let wsClient: Client | null = null;
let live = false;
const liveListeners = new Set<(live: boolean) => void>();

function setLive(value: boolean): void {
  live = value;
  liveListeners.forEach((listener) => listener(value));
}

/** Tells `listener` whether the live channel is up, now and at every change; returns the function that stops it. */
export function onLiveChange(listener: (live: boolean) => void): () => void {
  liveListeners.add(listener);
  listener(live);
  return () => {
    liveListeners.delete(listener);
  };
}

/** The server closes a socket whose token no longer stands (expired, revoked, user disabled) with this code. */
export const TOKEN_REFUSED_CLOSE = 4403;

/** Where the live channel gets its token: the stored one, or a renewed one after the server refused the stored one. */
export interface LiveTokens {
  current: () => Promise<string>;
  renewed: () => Promise<string>;
}

/**
 * The graphql-ws options of the live channel. It reconnects after any close; after a 4403 (the server ended the token)
 * the next connection_init carries a renewed token instead of offering the refused one again, and graphql-ws subscribes
 * every open subscription again on the new socket, so the screens' streams go on without being subscribed anew.
 */
export function liveChannelOptions(url: string, tokens: LiveTokens, onLive: (live: boolean) => void): ClientOptions {
  let tokenRefused = false;
  return {
    url,
    connectionParams: async () => {
      const token = tokenRefused ? await tokens.renewed() : await tokens.current();
      tokenRefused = false;
      return { authorization: `Bearer ${token}` };
    },
    lazy: true,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    retryWait: async (retries) => new Promise((r) => setTimeout(r, Math.min(1000 * 2 ** retries, 15_000))),
    on: {
      connected: () => onLive(true),
      closed: (event) => {
        if ((event as { code?: number } | undefined)?.code === TOKEN_REFUSED_CLOSE) tokenRefused = true;
        onLive(false);
      },
    },
  };
}

function ws(): Client {
  wsClient ??= createClient(
    liveChannelOptions(
      `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
      { current: accessToken, renewed: renewedAccessToken },
      setLive,
    ),
  );
  return wsClient;
}

/** Subscribes over graphql-ws; returns the unsubscribe function. */
export function subscribe<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  onData: (data: TResult) => void,
  onError?: (e: unknown) => void,
): () => void {
  return ws().subscribe<TResult>(
    { query: document.toString(), variables: variables as Record<string, unknown> },
    {
      next: (m) => {
        if (m.data) onData(m.data);
      },
      error: (e) => onError?.(e),
      complete: () => {},
    },
  );
}

/** For GraphiQL: the same socket client and token source the designer uses. */
export function explorerTransport() {
  return { ws: ws(), accessToken };
}

/** Downloads a server file (e.g. /api/audit/export) with the session's token, under the name the server gives it. */
export async function downloadFromServer(path: string, params: Record<string, string>, fallbackName: string): Promise<void> {
  const query = new URLSearchParams(params).toString();
  const response = await fetch(query ? `${path}?${query}` : path, { headers: { Authorization: `Bearer ${await accessToken()}` } });
  if (!response.ok) {
    const problem = (await response.json().catch(() => null)) as { detail?: string } | null;
    throw new ApiError(problem?.detail ?? `The server answered ${response.status}.`, String(response.status));
  }
  const name = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') ?? '')?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
