import { readDevSecret } from "../../../scripts/lib/dev-secret.mjs";
import { mintToken } from "../../../scripts/lib/mint-token.mjs";

/** Where `npm start` listens and keeps its data, from the same variables it reads. */
export function localStack(env: NodeJS.ProcessEnv = process.env): { url: string; dataDir: string } {
  const port = env.AURA_PORT && env.AURA_PORT !== "" ? env.AURA_PORT : "8787";
  const dataDir = env.AURA_DATA_DIR && env.AURA_DATA_DIR !== "" ? env.AURA_DATA_DIR : "./aura_data";
  return { url: `http://127.0.0.1:${port}`, dataDir };
}

/**
 * A dev token for the local stack, signed with `AURA_JWT_SECRET` or the data dir's dev secret
 * (scripts/lib/mint-token.mjs); undefined when neither exists yet (the stack never ran).
 *
 * @example
 * const token = await localDevToken(); // "eyJ…", org "local", sub "dev", 7 days
 */
export async function localDevToken(
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  const secret = env.AURA_JWT_SECRET || readDevSecret(localStack(env).dataDir);
  if (!secret) return undefined;
  return mintToken({ secret, org: "local", sub: "dev", ttlSeconds: 7 * 24 * 3600 });
}
