/** Types of `mint-token.mjs` for TypeScript importers (tests); the module itself is plain ESM. */

/** Signs an HS256 token with the claims the Worker requires (`sub`, `org`, `exp`). */
export function mintToken(options: {
  secret: string;
  org: string;
  sub: string;
  ttlSeconds: number;
}): Promise<string>;
