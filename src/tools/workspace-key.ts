/**
 * Per-workspace sandbox signing keys. Sandbox tokens are never signed with
 * `SANDBOX_TOKEN_SECRET` itself but with a key derived from it for one workspace, so a key
 * that leaks (from a container, a process environment) opens that workspace and no other.
 * Pure WebCrypto: the same module runs in the Worker (workerd) and in the Node sandbox.
 */

/** HKDF salt: fixed, so the derivation is a function of the secret and the workspace alone. */
const HKDF_SALT = new TextEncoder().encode("aura-swarm/sandbox-token-key/v1");

/** Bytes of a derived key (an HS256 key as long as its hash). */
export const WORKSPACE_KEY_BYTES = 32;

/** Derived keys kept by a {@link WorkspaceKeys} cache before the oldest is dropped. */
const DEFAULT_CACHE_ENTRIES = 1024;

/**
 * The HS256 key for `workspace`'s tokens: HKDF-SHA256 with the UTF-8 bytes of `secret` as
 * input key material, a fixed salt and the workspace id as `info`, 32 bytes. Deterministic;
 * two workspaces get unrelated keys, and no key reveals the secret.
 *
 * @example
 * const key = await deriveWorkspaceKey(env.SANDBOX_TOKEN_SECRET, workspace);
 * await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).sign(key);
 */
export async function deriveWorkspaceKey(secret: string, workspace: string): Promise<Uint8Array> {
  const material = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    "HKDF",
    false,
    ["deriveBits"],
  );
  const bits = await crypto.subtle.deriveBits(
    { name: "HKDF", hash: "SHA-256", salt: HKDF_SALT, info: new TextEncoder().encode(workspace) },
    material,
    WORKSPACE_KEY_BYTES * 8,
  );
  return new Uint8Array(bits);
}

/**
 * A key as the 64 lowercase hex digits `SANDBOX_WORKSPACE_KEY` carries.
 *
 * @example
 * workspaceKeyToHex(await deriveWorkspaceKey(secret, workspace)); // "3f9a…" (64 digits)
 */
export function workspaceKeyToHex(key: Uint8Array): string {
  return Array.from(key, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * The key written as 64 hex digits, or `undefined` when `hex` is not that.
 *
 * @example
 * workspaceKeyFromHex("00".repeat(32)); // Uint8Array(32)
 * workspaceKeyFromHex("xyz"); // undefined
 */
export function workspaceKeyFromHex(hex: string): Uint8Array | undefined {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return undefined;
  const key = new Uint8Array(WORKSPACE_KEY_BYTES);
  for (let i = 0; i < key.length; i++) key[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return key;
}

/**
 * The derived keys of one secret, cached: at most `maxEntries` workspaces (the least recently
 * used is dropped first), and concurrent lookups of one workspace share one derivation.
 *
 * @example
 * const keys = new WorkspaceKeys(secret);
 * const key = await keys.of(workspace); // derived once, then served from the cache
 */
export class WorkspaceKeys {
  readonly #secret: string;
  readonly #maxEntries: number;
  readonly #cache = new Map<string, Promise<Uint8Array>>();

  constructor(secret: string, maxEntries = DEFAULT_CACHE_ENTRIES) {
    this.#secret = secret;
    this.#maxEntries = Math.max(1, maxEntries);
  }

  /** The key of `workspace` (see {@link deriveWorkspaceKey}). */
  of(workspace: string): Promise<Uint8Array> {
    const cached = this.#cache.get(workspace);
    if (cached !== undefined) {
      this.#cache.delete(workspace);
      this.#cache.set(workspace, cached);
      return cached;
    }
    const derived = deriveWorkspaceKey(this.#secret, workspace);
    derived.catch(() => this.#cache.delete(workspace));
    this.#cache.set(workspace, derived);
    while (this.#cache.size > this.#maxEntries) {
      const oldest = this.#cache.keys().next().value;
      if (oldest === undefined) break;
      this.#cache.delete(oldest);
    }
    return derived;
  }

  /** How many keys the cache holds (for tests). */
  get size(): number {
    return this.#cache.size;
  }
}
