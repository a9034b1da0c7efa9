/**
 * The signed-in user with security on (docs/ui.md "Security"): the credentials the API client
 * sends as `Authorization` (Basic from user and password, or `ApiKey`), kept in the tab's
 * sessionStorage (gone when the tab closes) and expiring after `SESSION_MS` without use. A 401
 * from any call tells the listeners (the app then shows the login page).
 */
export const SESSION_MS = 8 * 60 * 60 * 1000;
const KEY = 'tributary.session';

export interface Session {
  /** The `Authorization` header value. */
  authorization: string;
  user: string;
  expires: number;
}

type Listener = () => void;
const listeners = new Set<Listener>();

function storage(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null;
  }
}

export function currentSession(now = Date.now()): Session | null {
  const raw = storage()?.getItem(KEY);
  if (!raw) return null;
  try {
    const s = JSON.parse(raw) as Session;
    if (typeof s.authorization !== 'string' || !(s.expires > now)) {
      storage()?.removeItem(KEY);
      return null;
    }
    return s;
  } catch {
    storage()?.removeItem(KEY);
    return null;
  }
}

/** Extends the session on use. */
export function touchSession(now = Date.now()): void {
  const s = currentSession(now);
  if (s) storage()?.setItem(KEY, JSON.stringify({ ...s, expires: now + SESSION_MS }));
}

export function saveSession(authorization: string, user: string, now = Date.now()): void {
  storage()?.setItem(KEY, JSON.stringify({ authorization, user, expires: now + SESSION_MS }));
  for (const l of listeners) l();
}

export function endSession(): void {
  storage()?.removeItem(KEY);
  for (const l of listeners) l();
}

export function basicAuthorization(user: string, password: string): string {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return `Basic ${btoa(bin)}`;
}

export function apiKeyAuthorization(key: string): string {
  return `ApiKey ${key.trim()}`;
}

const unauthorized = new Set<Listener>();
/** Called on every 401: the credentials are missing, wrong or expired. */
export function onUnauthorized(l: Listener): () => void {
  unauthorized.add(l);
  return () => unauthorized.delete(l);
}
export function reportUnauthorized(): void {
  for (const l of unauthorized) l();
}
/** Called when the session starts or ends. */
export function onSessionChange(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** Where to go after signing in: only a path of this app, never another site (`//host`, `https:`). */
export function safeNext(next: string | null): string {
  return next && /^\/(?![/\\])/.test(next) && !next.startsWith('/login') ? next : '/connectors';
}
