import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import pkg from "../../package.json" with { type: "json" };
import worker from "../../src/index.js";

/** `GET /health` of the Worker run with `env` changed by `overrides` (`undefined` unsets). */
async function healthWith(overrides: Record<string, string | undefined>) {
  const response = await worker.fetch(
    new Request("http://aura.test/health"),
    { ...env, ...overrides } as Env,
    createExecutionContext(),
  );
  return { status: response.status, body: await response.json() };
}

describe("GET /health", () => {
  it("answers 200 with the version when the configuration is complete", async () => {
    expect(await healthWith({})).toEqual({
      status: 200,
      body: { status: "ok", version: pkg.version },
    });
  });

  it("answers 503 config_error naming AURA_JWT_SECRET when no way to verify tokens is set", async () => {
    const { status, body } = await healthWith({
      AURA_JWT_SECRET: undefined,
      AURA_JWKS_URL: undefined,
    });

    expect(status).toBe(503);
    expect(body).toEqual({
      error: {
        code: "config_error",
        message: expect.stringMatching(/^AURA_JWT_SECRET: .*AURA_JWKS_URL/),
        details: { setting: "AURA_JWT_SECRET" },
      },
    });
  });

  it("answers 503 config_error naming the router URL when proxy routing has none", async () => {
    const { status, body } = await healthWith({
      AURA_LLM_ROUTING: "proxy",
      AURA_ROUTER_URL: undefined,
    });

    expect(status).toBe(503);
    expect(body).toMatchObject({
      error: { code: "config_error", details: { setting: "AURA_ROUTER_URL" } },
    });
  });
});
