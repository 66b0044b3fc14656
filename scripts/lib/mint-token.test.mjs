import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { TokenVerifier } from "../../src/auth/verify-token.ts";
import { ensureDevSecret, readDevSecret, SANDBOX_SECRET_FILE } from "./dev-secret.mjs";
import { mintToken } from "./mint-token.mjs";

const dirs = [];
function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), "aura-dev-secret-"));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("mintToken", () => {
  it("given a secret, org and subject, when a token is minted, then the Worker's verifier accepts it", async () => {
    const secret = "m".repeat(32);
    const token = await mintToken({ secret, org: "acme", sub: "dev", ttlSeconds: 60 });
    const principal = await new TokenVerifier({ jwtSecret: secret }).verify(token, Date.now());
    expect(principal.org).toBe("acme");
    expect(principal.sub).toBe("dev");
    expect(principal.exp * 1000).toBeGreaterThan(Date.now());
  });
});

describe("dev secret", () => {
  it("given an empty data dir, when read, then there is no secret", () => {
    expect(readDevSecret(join(tempDir(), "missing"))).toBeUndefined();
  });

  it("given an empty data dir, when ensured, then a 64-hex-character secret is created readable only by its owner", () => {
    const dir = join(tempDir(), "data");
    const secret = ensureDevSecret(dir);
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(join(dir, "dev-jwt-secret")).mode & 0o777).toBe(0o600);
  });

  it("given an existing secret, when ensured again, then the same secret is returned", () => {
    const dir = tempDir();
    const first = ensureDevSecret(dir);
    expect(ensureDevSecret(dir)).toBe(first);
    expect(readDevSecret(dir)).toBe(first);
  });

  it("given the sandbox secret's file, when ensured, then it is kept apart from the JWT secret, owner-only", () => {
    const dir = tempDir();
    const jwt = ensureDevSecret(dir);
    const sandbox = ensureDevSecret(dir, SANDBOX_SECRET_FILE);
    expect(sandbox).toMatch(/^[0-9a-f]{64}$/);
    expect(sandbox).not.toBe(jwt);
    expect(readDevSecret(dir, SANDBOX_SECRET_FILE)).toBe(sandbox);
    expect(statSync(join(dir, SANDBOX_SECRET_FILE)).mode & 0o777).toBe(0o600);
  });
});
