/** Where the console keeps the token: this tab's `sessionStorage`, never `localStorage` or a cookie. */
const KEY = "aura.token";

/** What the console shows of a token: the claims the Worker requires (SPEC §5). */
export interface TokenClaims {
  sub: string;
  org: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

/** A signed-in session: the raw token and its claims. */
export interface Session {
  token: string;
  claims: TokenClaims;
}

/**
 * Reads a JWT's claims without verifying it (the Worker verifies every request); undefined
 * when it is not a JWT carrying `sub`, `org` and `exp`.
 *
 * @example
 * claimsOf("eyJ…"); // { sub: "dev", org: "local", exp: 1796000000 }
 */
export function claimsOf(token: string): TokenClaims | undefined {
  const part = token.split(".")[1];
  if (part === undefined || token.split(".").length !== 3) return undefined;
  try {
    const json = atob(part.replace(/-/g, "+").replace(/_/g, "/"));
    const bytes = Uint8Array.from(json, (c) => c.charCodeAt(0));
    const claims: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (typeof claims !== "object" || claims === null) return undefined;
    const { sub, org, exp } = claims as Record<string, unknown>;
    if (typeof sub !== "string" || typeof org !== "string" || typeof exp !== "number") {
      return undefined;
    }
    return { sub, org, exp };
  } catch {
    return undefined;
  }
}

/** Whether the token has expired at `nowMs`. */
export function isExpired(claims: TokenClaims, nowMs: number): boolean {
  return claims.exp * 1000 <= nowMs;
}

/** The session kept in this tab, if its token is still readable and unexpired. */
export function loadSession(nowMs: number): Session | undefined {
  const token = sessionStorage.getItem(KEY);
  if (token === null) return undefined;
  const claims = claimsOf(token);
  if (claims === undefined || isExpired(claims, nowMs)) {
    sessionStorage.removeItem(KEY);
    return undefined;
  }
  return { token, claims };
}

/** Keeps the token for this tab only. */
export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, session.token);
}

/** Forgets the token. */
export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}
