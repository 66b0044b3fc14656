import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuraError } from "../core/errors.js";
import { bearerToken, TokenVerifier } from "./verify-token.js";

const SECRET = "unit-test-secret-with-at-least-32-chars";
const NOW_MS = 1_700_000_000_000;
const NOW_S = NOW_MS / 1000;
const HOUR = 3600;

type SigningKey = Parameters<SignJWT["sign"]>[0];

async function sign(
  claims: JWTPayload,
  key: SigningKey,
  header: { alg: string; kid?: string },
): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ ...header, typ: "JWT" }).sign(key);
}

function hs256(claims: JWTPayload, secret = SECRET): Promise<string> {
  return sign(claims, new TextEncoder().encode(secret), { alg: "HS256" });
}

const validClaims = { sub: "user-1", org: "acme", exp: NOW_S + HOUR };

/** The `unauthorized` AuraError a verification rejects with. */
async function refusal(promise: Promise<unknown>): Promise<AuraError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AuraError) return err;
    throw err;
  }
  throw new Error("expected the token to be refused");
}

function b64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

describe("TokenVerifier with an HS256 secret", () => {
  const verifier = () => new TokenVerifier({ jwtSecret: SECRET });

  it("given a valid HS256 token, when verified, then the principal carries sub, org and exp", async () => {
    const token = await hs256({ ...validClaims, extra: "ignored" });
    await expect(verifier().verify(token, NOW_MS)).resolves.toEqual({
      sub: "user-1",
      org: "acme",
      exp: NOW_S + HOUR,
    });
  });

  it("given an expired token, when verified, then it is refused as unauthorized", async () => {
    const token = await hs256({ ...validClaims, exp: NOW_S - 1 });
    const err = await refusal(verifier().verify(token, NOW_MS));
    expect(err.code).toBe("unauthorized");
    expect(err.status).toBe(401);
    expect(err.message).toBe("token expired");
  });

  it("given a token expiring at this very second, when verified, then it is refused", async () => {
    const token = await hs256({ ...validClaims, exp: NOW_S });
    expect((await refusal(verifier().verify(token, NOW_MS))).code).toBe("unauthorized");
  });

  it("given a token verified once, when presented again after it expires, then it is refused", async () => {
    const v = verifier();
    const token = await hs256({ ...validClaims, exp: NOW_S + 10 });
    await expect(v.verify(token, NOW_MS)).resolves.toMatchObject({ sub: "user-1" });
    await expect(v.verify(token, NOW_MS + 5_000)).resolves.toMatchObject({ sub: "user-1" });
    const err = await refusal(v.verify(token, NOW_MS + 10_000));
    expect(err.code).toBe("unauthorized");
  });

  it("given a token signed with another secret, when verified, then it is refused as unauthorized", async () => {
    const token = await hs256(validClaims, "another-secret-that-is-32-chars-long!!");
    expect((await refusal(verifier().verify(token, NOW_MS))).code).toBe("unauthorized");
  });

  it("given a hand-made token with alg none and an empty signature, when verified, then it is refused as unauthorized", async () => {
    const token = `${b64url({ alg: "none", typ: "JWT" })}.${b64url(validClaims)}.`;
    expect((await refusal(verifier().verify(token, NOW_MS))).code).toBe("unauthorized");
  });

  it("given an HS512 token made with the right secret, when verified, then it is refused because only HS256 is allowed", async () => {
    const token = await sign(validClaims, new TextEncoder().encode(SECRET), { alg: "HS512" });
    expect((await refusal(verifier().verify(token, NOW_MS))).code).toBe("unauthorized");
  });

  it("given a token without org, when verified, then it is refused naming the org claim", async () => {
    const token = await hs256({ sub: "user-1", exp: NOW_S + HOUR });
    const err = await refusal(verifier().verify(token, NOW_MS));
    expect(err.code).toBe("unauthorized");
    expect(err.message).toContain("org");
  });

  it("given a token without sub, when verified, then it is refused as unauthorized", async () => {
    const token = await hs256({ org: "acme", exp: NOW_S + HOUR });
    expect((await refusal(verifier().verify(token, NOW_MS))).code).toBe("unauthorized");
  });

  it("given a token without exp, when verified, then it is refused as unauthorized", async () => {
    const token = await hs256({ sub: "user-1", org: "acme" });
    expect((await refusal(verifier().verify(token, NOW_MS))).code).toBe("unauthorized");
  });

  it("given an org with characters outside the allowed set, when verified, then it is refused as unauthorized", async () => {
    const token = await hs256({ ...validClaims, org: "../other" });
    const err = await refusal(verifier().verify(token, NOW_MS));
    expect(err.code).toBe("unauthorized");
    expect(err.message).toContain("org");
  });

  for (const garbage of ["garbage", "a.b.c", "..", "e30.e30.e30", "x".repeat(5000)]) {
    it(`given the garbage token "${garbage.slice(0, 12)}", when verified, then it is refused as unauthorized`, async () => {
      expect((await refusal(verifier().verify(garbage, NOW_MS))).code).toBe("unauthorized");
    });
  }

  it("given no token at all, when verified, then it is refused as a missing bearer token", async () => {
    for (const missing of [undefined, ""]) {
      const err = await refusal(verifier().verify(missing, NOW_MS));
      expect(err.code).toBe("unauthorized");
      expect(err.message).toBe("missing bearer token");
    }
  });
});

describe("TokenVerifier with a JWKS", () => {
  let server: Server;
  let jwksUrl: string;
  let rsaKey: SigningKey;
  let ecKey: SigningKey;
  let rogueKey: SigningKey;
  let jwksRequests = 0;

  beforeAll(async () => {
    const rsa = await generateKeyPair("RS256");
    const ec = await generateKeyPair("ES256");
    const rogue = await generateKeyPair("RS256");
    rsaKey = rsa.privateKey;
    ecKey = ec.privateKey;
    rogueKey = rogue.privateKey;
    const keys: JWK[] = [
      { ...(await exportJWK(rsa.publicKey)), kid: "rsa-1", alg: "RS256", use: "sig" },
      { ...(await exportJWK(ec.publicKey)), kid: "ec-1", alg: "ES256", use: "sig" },
    ];
    server = createServer((req, res) => {
      jwksRequests++;
      if (req.url !== "/.well-known/jwks.json") {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    jwksUrl = `http://127.0.0.1:${port}/.well-known/jwks.json`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      server.close((err) => (err ? reject(err) : resolve())),
    );
  });

  it("given an RS256 token signed by a key in the set, when verified, then the principal is returned", async () => {
    const token = await sign(validClaims, rsaKey, { alg: "RS256", kid: "rsa-1" });
    await expect(new TokenVerifier({ jwksUrl }).verify(token, NOW_MS)).resolves.toEqual(
      validClaims,
    );
    expect(jwksRequests).toBeGreaterThan(0);
  });

  it("given an ES256 token signed by a key in the set, when verified, then the principal is returned", async () => {
    const token = await sign(validClaims, ecKey, { alg: "ES256", kid: "ec-1" });
    await expect(new TokenVerifier({ jwksUrl }).verify(token, NOW_MS)).resolves.toEqual(
      validClaims,
    );
  });

  it("given a token signed by a key that is not in the set, when verified, then it is refused as unauthorized", async () => {
    const token = await sign(validClaims, rogueKey, { alg: "RS256", kid: "rogue" });
    expect((await refusal(new TokenVerifier({ jwksUrl }).verify(token, NOW_MS))).code).toBe(
      "unauthorized",
    );
  });

  it("given a token signed by a foreign key claiming a kid in the set, when verified, then it is refused as unauthorized", async () => {
    const token = await sign(validClaims, rogueKey, { alg: "RS256", kid: "rsa-1" });
    expect((await refusal(new TokenVerifier({ jwksUrl }).verify(token, NOW_MS))).code).toBe(
      "unauthorized",
    );
  });

  it("given an expired RS256 token, when verified, then it is refused as expired", async () => {
    const token = await sign({ ...validClaims, exp: NOW_S - 1 }, rsaKey, {
      alg: "RS256",
      kid: "rsa-1",
    });
    const err = await refusal(new TokenVerifier({ jwksUrl }).verify(token, NOW_MS));
    expect(err.code).toBe("unauthorized");
    expect(err.message).toBe("token expired");
  });

  it("given only a JWKS, when an HS256 token is presented, then it is refused as unauthorized", async () => {
    const token = await hs256(validClaims);
    expect((await refusal(new TokenVerifier({ jwksUrl }).verify(token, NOW_MS))).code).toBe(
      "unauthorized",
    );
  });

  it("given both an HS256 secret and a JWKS, when HS256, RS256 and ES256 tokens are presented, then all three are accepted", async () => {
    const verifier = new TokenVerifier({ jwtSecret: SECRET, jwksUrl });
    const tokens = [
      await hs256({ ...validClaims, sub: "hs" }),
      await sign({ ...validClaims, sub: "rs" }, rsaKey, { alg: "RS256", kid: "rsa-1" }),
      await sign({ ...validClaims, sub: "es" }, ecKey, { alg: "ES256", kid: "ec-1" }),
    ];
    const subs = [];
    for (const token of tokens) subs.push((await verifier.verify(token, NOW_MS)).sub);
    expect(subs).toEqual(["hs", "rs", "es"]);
  });

  it("given both an HS256 secret and a JWKS, when a wrongly signed HS256, a rogue RS256 or an alg none token is presented, then each is refused", async () => {
    const verifier = new TokenVerifier({ jwtSecret: SECRET, jwksUrl });
    const tokens = [
      await hs256(validClaims, "another-secret-that-is-32-chars-long!!"),
      await sign(validClaims, rogueKey, { alg: "RS256", kid: "rogue" }),
      `${b64url({ alg: "none" })}.${b64url(validClaims)}.`,
    ];
    for (const token of tokens) {
      expect((await refusal(verifier.verify(token, NOW_MS))).code).toBe("unauthorized");
    }
  });
});

describe("TokenVerifier when the key set cannot be fetched", () => {
  it("given a JWKS URL answering 404, when an RS256 token is verified, then it fails as unavailable (503), not as a bad token", async () => {
    const server = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const { privateKey } = await generateKeyPair("RS256");
      const token = await sign(validClaims, privateKey, { alg: "RS256", kid: "k" });
      const verifier = new TokenVerifier({ jwksUrl: `http://127.0.0.1:${port}/jwks.json` });
      const err = await refusal(verifier.verify(token, NOW_MS));
      expect(err.code).toBe("unavailable");
      expect(err.status).toBe(503);
      expect(err.message).toContain("AURA_JWKS_URL");
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("given a JWKS URL where nothing listens, when an RS256 token is verified, then it fails as unavailable", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const { privateKey } = await generateKeyPair("RS256");
    const token = await sign(validClaims, privateKey, { alg: "RS256", kid: "k" });
    const verifier = new TokenVerifier({ jwksUrl: `http://127.0.0.1:${port}/jwks.json` });
    expect((await refusal(verifier.verify(token, NOW_MS))).code).toBe("unavailable");
  });
});

describe("bearerToken", () => {
  it("given a Bearer header, when parsed, then the token is returned", () => {
    expect(bearerToken("Bearer abc.def.ghi")).toBe("abc.def.ghi");
    expect(bearerToken("bearer   abc")).toBe("abc");
    expect(bearerToken("  Bearer abc  ")).toBe("abc");
  });

  it("given a missing, empty or non-Bearer header, when parsed, then there is no token", () => {
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken(null)).toBeUndefined();
    expect(bearerToken("")).toBeUndefined();
    expect(bearerToken("Basic dXNlcjpwYXNz")).toBeUndefined();
    expect(bearerToken("Bearer")).toBeUndefined();
    expect(bearerToken("Bearer a b")).toBeUndefined();
  });
});
