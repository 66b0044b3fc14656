import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.js";
import { AuraError } from "./core/errors.js";
import { selectProvider } from "./reasoner/select-provider.js";

const SECRET = "s".repeat(32);

/** The AuraError `loadConfig(env)` throws. */
function configError(env: object): AuraError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof AuraError) return err;
    throw err;
  }
  throw new Error("expected loadConfig to fail");
}

describe("loadConfig: token verification", () => {
  it("given neither AURA_JWT_SECRET nor AURA_JWKS_URL, when loaded, then it fails with a 503 config_error naming AURA_JWT_SECRET", () => {
    const err = configError({});
    expect(err.code).toBe("config_error");
    expect(err.status).toBe(503);
    expect(err.message).toContain("AURA_JWT_SECRET");
    expect(err.details).toEqual({ setting: "AURA_JWT_SECRET" });
  });

  it("given a blank AURA_JWT_SECRET, when loaded, then it counts as unset", () => {
    expect(configError({ AURA_JWT_SECRET: "   " }).message).toContain("AURA_JWT_SECRET");
  });

  it("given an AURA_JWT_SECRET shorter than 32 characters, when loaded, then it is refused naming the variable", () => {
    const err = configError({ AURA_JWT_SECRET: "s".repeat(31) });
    expect(err.code).toBe("config_error");
    expect(err.message).toMatch(/^AURA_JWT_SECRET: .*32/);
  });

  it("given a 32-character AURA_JWT_SECRET, when loaded, then it is kept", () => {
    expect(loadConfig({ AURA_JWT_SECRET: SECRET }).jwtSecret).toBe(SECRET);
  });

  it("given only AURA_JWKS_URL, when loaded, then it is accepted without a secret", () => {
    const config = loadConfig({ AURA_JWKS_URL: "https://auth.example.com/.well-known/jwks.json" });
    expect(config.jwksUrl).toBe("https://auth.example.com/.well-known/jwks.json");
    expect(config.jwtSecret).toBeUndefined();
  });

  it("given an AURA_JWKS_URL that is not a URL, when loaded, then the message names AURA_JWKS_URL", () => {
    const err = configError({ AURA_JWT_SECRET: SECRET, AURA_JWKS_URL: "not a url" });
    expect(err.code).toBe("config_error");
    expect(err.message).toMatch(/^AURA_JWKS_URL: /);
  });
});

describe("loadConfig: policy and window", () => {
  it("given nothing but a secret, when loaded, then the policy is dev and the window is 50", () => {
    const config = loadConfig({ AURA_JWT_SECRET: SECRET });
    expect(config.policy).toBe("dev");
    expect(config.windowSize).toBe(50);
    expect(config.anthropicModel).toBe("claude-opus-4-6");
  });

  it("given AURA_POLICY=strict, when loaded, then the policy is strict", () => {
    expect(loadConfig({ AURA_JWT_SECRET: SECRET, AURA_POLICY: "strict" }).policy).toBe("strict");
  });

  it("given an unknown AURA_POLICY, when loaded, then the message names AURA_POLICY", () => {
    const err = configError({ AURA_JWT_SECRET: SECRET, AURA_POLICY: "lenient" });
    expect(err.code).toBe("config_error");
    expect(err.message).toMatch(/^AURA_POLICY: /);
  });

  it("given RECORD_WINDOW_SIZE=7, when loaded, then the window is 7", () => {
    expect(loadConfig({ AURA_JWT_SECRET: SECRET, RECORD_WINDOW_SIZE: "7" }).windowSize).toBe(7);
  });

  for (const bad of ["abc", "0", "-3", "1.5", "1001"]) {
    it(`given RECORD_WINDOW_SIZE=${bad}, when loaded, then the message names RECORD_WINDOW_SIZE`, () => {
      const err = configError({ AURA_JWT_SECRET: SECRET, RECORD_WINDOW_SIZE: bad });
      expect(err.code).toBe("config_error");
      expect(err.message).toMatch(/^RECORD_WINDOW_SIZE: /);
    });
  }

  it("given nothing, when loaded, then the inbox limit is 1000 and the session cap 64", () => {
    const config = loadConfig({ AURA_JWT_SECRET: SECRET });
    expect([config.inboxLimit, config.maxSessionsPerAgent]).toEqual([1000, 64]);
  });

  it("given AURA_INBOX_LIMIT=5 and AURA_MAX_SESSIONS_PER_AGENT=2, when loaded, then they are the limits", () => {
    const config = loadConfig({
      AURA_JWT_SECRET: SECRET,
      AURA_INBOX_LIMIT: "5",
      AURA_MAX_SESSIONS_PER_AGENT: "2",
    });
    expect([config.inboxLimit, config.maxSessionsPerAgent]).toEqual([5, 2]);
  });

  for (const name of ["AURA_INBOX_LIMIT", "AURA_MAX_SESSIONS_PER_AGENT"]) {
    for (const bad of ["many", "0", "-1", "2.5"]) {
      it(`given ${name}=${bad}, when loaded, then the message names ${name}`, () => {
        const err = configError({ AURA_JWT_SECRET: SECRET, [name]: bad });
        expect(err.code).toBe("config_error");
        expect(err.message).toMatch(new RegExp(`^${name}: `));
      });
    }
  }

  it("given an unknown AURA_LLM_ROUTING, when loaded, then the message names AURA_LLM_ROUTING", () => {
    const err = configError({ AURA_JWT_SECRET: SECRET, AURA_LLM_ROUTING: "carrier-pigeon" });
    expect(err.message).toMatch(/^AURA_LLM_ROUTING: /);
  });
});

describe("loadConfig: model routing", () => {
  it("given no key and no router, when loaded, then routing defaults to mock", () => {
    expect(loadConfig({ AURA_JWT_SECRET: SECRET }).llmRouting).toBe("mock");
  });

  it("given an Anthropic key, when loaded, then routing defaults to direct", () => {
    const config = loadConfig({ AURA_JWT_SECRET: SECRET, AURA_ANTHROPIC_API_KEY: "sk-test" });
    expect(config.llmRouting).toBe("direct");
  });

  it("given a router URL, when loaded, then routing defaults to proxy", () => {
    const config = loadConfig({ AURA_JWT_SECRET: SECRET, AURA_ROUTER_URL: "https://router.test" });
    expect(config.llmRouting).toBe("proxy");
  });

  it("given an explicit AURA_LLM_ROUTING, when loaded, then it wins over the default", () => {
    const config = loadConfig({
      AURA_JWT_SECRET: SECRET,
      AURA_ANTHROPIC_API_KEY: "sk-test",
      AURA_LLM_ROUTING: "mock",
    });
    expect(config.llmRouting).toBe("mock");
  });

  it("given AURA_ANTHROPIC_MODEL, when loaded, then it replaces the default model", () => {
    const config = loadConfig({ AURA_JWT_SECRET: SECRET, AURA_ANTHROPIC_MODEL: "claude-x" });
    expect(config.anthropicModel).toBe("claude-x");
  });

  it("given mock routing, when a provider is selected, then it is the mock provider", () => {
    expect(selectProvider(loadConfig({ AURA_JWT_SECRET: SECRET })).name).toBe("mock");
  });

  it("given direct routing and a key, when a provider is selected, then it is the anthropic adapter", () => {
    const config = loadConfig({ AURA_JWT_SECRET: SECRET, AURA_ANTHROPIC_API_KEY: "sk-test" });
    expect(selectProvider(config).name).toBe("anthropic");
  });

  it("given proxy routing and a router URL, when a provider is selected, then it is the proxy adapter", () => {
    const config = loadConfig({ AURA_JWT_SECRET: SECRET, AURA_ROUTER_URL: "https://router.test" });
    expect(selectProvider(config).name).toBe("proxy");
  });

  it("given AURA_LLM_ROUTING=direct without AURA_ANTHROPIC_API_KEY, when loaded, then it fails with a config_error naming the key", () => {
    const err = configError({ AURA_JWT_SECRET: SECRET, AURA_LLM_ROUTING: "direct" });
    expect(err.code).toBe("config_error");
    expect(err.message).toMatch(/^AURA_ANTHROPIC_API_KEY: .*AURA_LLM_ROUTING=direct/);
  });

  it("given AURA_LLM_ROUTING=proxy without AURA_ROUTER_URL, when loaded, then it fails with a config_error naming the router URL", () => {
    const err = configError({ AURA_JWT_SECRET: SECRET, AURA_LLM_ROUTING: "proxy" });
    expect(err.code).toBe("config_error");
    expect(err.message).toMatch(/^AURA_ROUTER_URL: .*AURA_LLM_ROUTING=proxy/);
  });
});

describe("loadConfig: model settings", () => {
  it("given nothing, when loaded, then the base URL, timeout and fallback take their defaults", () => {
    const config = loadConfig({ AURA_JWT_SECRET: SECRET });
    expect(config.anthropicBaseUrl).toBe("https://api.anthropic.com");
    expect(config.modelTimeoutMs).toBe(60_000);
    expect(config.anthropicFallbackModel).toBeUndefined();
    expect(config.routerJwt).toBeUndefined();
  });

  it("given every model variable, when loaded, then each is kept", () => {
    const config = loadConfig({
      AURA_JWT_SECRET: SECRET,
      AURA_LLM_ROUTING: "proxy",
      AURA_ANTHROPIC_API_KEY: "sk-test",
      AURA_ANTHROPIC_BASE_URL: "http://127.0.0.1:9400",
      AURA_ANTHROPIC_FALLBACK_MODEL: "claude-fallback",
      AURA_MODEL_TIMEOUT_MS: "1500",
      AURA_ROUTER_URL: "https://router.test/api",
      AURA_ROUTER_JWT: "eyJ.test.jwt",
    });
    expect(config).toMatchObject({
      anthropicApiKey: "sk-test",
      anthropicBaseUrl: "http://127.0.0.1:9400",
      anthropicFallbackModel: "claude-fallback",
      modelTimeoutMs: 1500,
      routerUrl: "https://router.test/api",
      routerJwt: "eyJ.test.jwt",
    });
  });

  for (const bad of ["soon", "0", "-5", "600001"]) {
    it(`given AURA_MODEL_TIMEOUT_MS=${bad}, when loaded, then the message names AURA_MODEL_TIMEOUT_MS`, () => {
      const err = configError({ AURA_JWT_SECRET: SECRET, AURA_MODEL_TIMEOUT_MS: bad });
      expect(err.message).toMatch(/^AURA_MODEL_TIMEOUT_MS: /);
    });
  }

  it("given an AURA_ANTHROPIC_BASE_URL that is not a URL, when loaded, then the message names it", () => {
    const err = configError({
      AURA_JWT_SECRET: SECRET,
      AURA_ANTHROPIC_BASE_URL: "api dot anthropic",
    });
    expect(err.message).toMatch(/^AURA_ANTHROPIC_BASE_URL: /);
  });
});

describe("loadConfig: parsed once", () => {
  it("given the same env object twice, when loaded, then the same frozen config is returned", () => {
    const env = { AURA_JWT_SECRET: SECRET };
    const config = loadConfig(env);
    expect(loadConfig(env)).toBe(config);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("given a SANDBOX_URL without a token secret, when loaded, then it fails naming SANDBOX_TOKEN_SECRET", () => {
    expect(() =>
      loadConfig({ AURA_JWT_SECRET: SECRET, SANDBOX_URL: "http://127.0.0.1:8788" }),
    ).toThrow(/^SANDBOX_TOKEN_SECRET: must be set when SANDBOX_URL is set/);
  });

  it("given a short sandbox token secret, when loaded, then it fails naming SANDBOX_TOKEN_SECRET", () => {
    expect(() => loadConfig({ AURA_JWT_SECRET: SECRET, SANDBOX_TOKEN_SECRET: "short" })).toThrow(
      /^SANDBOX_TOKEN_SECRET: must be at least 32 characters/,
    );
  });

  it("given bindings that are not settings, when loaded, then they are ignored", () => {
    const env = { AURA_JWT_SECRET: SECRET, AGENT: { idFromName: () => 1 }, ASSETS: {} };
    expect(Object.keys(loadConfig(env)).sort()).toEqual(
      [
        "anthropicApiKey",
        "anthropicBaseUrl",
        "anthropicFallbackModel",
        "anthropicModel",
        "inboxLimit",
        "jwksUrl",
        "jwtSecret",
        "llmRouting",
        "logLevel",
        "maxSessionsPerAgent",
        "modelTimeoutMs",
        "policy",
        "routerJwt",
        "routerUrl",
        "sandboxTokenSecret",
        "sandboxUrl",
        "toolEndpointAllowlist",
        "windowSize",
      ].sort(),
    );
  });
});

describe("loadConfig: log level", () => {
  it("given no AURA_LOG_LEVEL, when loaded, then lines from info up are logged", () => {
    expect(loadConfig({ AURA_JWT_SECRET: SECRET }).logLevel).toBe("info");
  });

  for (const level of ["debug", "info", "warn", "error"]) {
    it(`given AURA_LOG_LEVEL=${level}, when loaded, then the level is ${level}`, () => {
      expect(loadConfig({ AURA_JWT_SECRET: SECRET, AURA_LOG_LEVEL: level }).logLevel).toBe(level);
    });
  }

  it("given wrangler's AURA_LOG_LEVEL=log or none from npm start, when loaded, then they read as info and error", () => {
    expect(loadConfig({ AURA_JWT_SECRET: SECRET, AURA_LOG_LEVEL: "log" }).logLevel).toBe("info");
    expect(loadConfig({ AURA_JWT_SECRET: SECRET, AURA_LOG_LEVEL: "none" }).logLevel).toBe("error");
  });

  for (const bad of ["verbose", "INFO", "3"]) {
    it(`given AURA_LOG_LEVEL=${bad}, when loaded, then the message names AURA_LOG_LEVEL`, () => {
      const err = configError({ AURA_JWT_SECRET: SECRET, AURA_LOG_LEVEL: bad });
      expect(err.code).toBe("config_error");
      expect(err.message).toMatch(/^AURA_LOG_LEVEL: /);
      expect(err.details).toEqual({ setting: "AURA_LOG_LEVEL" });
    });
  }
});

describe("loadConfig: installed-tool endpoint allowlist", () => {
  it("given nothing, when loaded, then no origin is allowlisted", () => {
    expect(loadConfig({ AURA_JWT_SECRET: SECRET }).toolEndpointAllowlist).toEqual([]);
  });

  it("given comma-separated origins, when loaded, then they are kept normalised", () => {
    const config = loadConfig({
      AURA_JWT_SECRET: SECRET,
      AURA_TOOL_ENDPOINT_ALLOWLIST: "http://127.0.0.1:9000/, http://LOCALHOST:3000",
    });
    expect(config.toolEndpointAllowlist).toEqual([
      "http://127.0.0.1:9000",
      "http://localhost:3000",
    ]);
  });

  it("given a URL with a path, when loaded, then the message names AURA_TOOL_ENDPOINT_ALLOWLIST", () => {
    const err = configError({
      AURA_JWT_SECRET: SECRET,
      AURA_TOOL_ENDPOINT_ALLOWLIST: "http://127.0.0.1:9000/tools",
    });
    expect(err.code).toBe("config_error");
    expect(err.message).toMatch(
      /^AURA_TOOL_ENDPOINT_ALLOWLIST: "http:\/\/127.0.0.1:9000\/tools" is not an origin/,
    );
  });
});
