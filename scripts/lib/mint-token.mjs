import { SignJWT } from "jose";

/**
 * Signs an HS256 token with the claims the Worker requires (`sub`, `org`, `exp`).
 * @param {{ secret: string, org: string, sub: string, ttlSeconds: number }} options
 * @returns {Promise<string>}
 */
export async function mintToken({ secret, org, sub, ttlSeconds }) {
  return new SignJWT({ org })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(new TextEncoder().encode(secret));
}
