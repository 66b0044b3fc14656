/** Types of `dev-secret.mjs` for TypeScript importers (the `aura` client); the module itself is plain ESM. */

/** File name of the local dev JWT secret in the data dir. */
export const JWT_SECRET_FILE: string;
/** File name of the local sandbox token secret in the data dir. */
export const SANDBOX_SECRET_FILE: string;

/** A local secret kept in the data dir, or undefined before the stack's first start. */
export function readDevSecret(dataDir: string, file?: string): string | undefined;

/** Reads a local secret, creating a random one on first use. */
export function ensureDevSecret(dataDir: string, file?: string): string;
