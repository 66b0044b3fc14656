import type { Config } from "../config.js";
import { AuraError } from "../core/errors.js";
import { createAnthropicProvider } from "./anthropic.js";
import { MockProvider } from "./mock.js";
import { createProxyProvider } from "./proxy.js";
import type { ModelProvider } from "./types.js";

/**
 * The provider `AURA_LLM_ROUTING` selects: `mock`, `direct` (the `anthropic` adapter) or
 * `proxy` (the model router). `loadConfig` has already refused a routing without its key or
 * URL; the checks here name the variable should a hand-built config lack one.
 *
 * @example
 * const provider = selectProvider(loadConfig(env));
 */
export function selectProvider(config: Config): ModelProvider {
  const tuning = {
    model: config.anthropicModel,
    fallbackModel: config.anthropicFallbackModel,
    timeoutMs: config.modelTimeoutMs,
  };
  switch (config.llmRouting) {
    case "mock":
      return new MockProvider();
    case "direct":
      return createAnthropicProvider({
        ...tuning,
        apiKey: required(config.anthropicApiKey, "AURA_ANTHROPIC_API_KEY", "direct"),
        baseURL: config.anthropicBaseUrl,
      });
    case "proxy":
      return createProxyProvider({
        ...tuning,
        routerUrl: required(config.routerUrl, "AURA_ROUTER_URL", "proxy"),
        jwt: config.routerJwt,
      });
  }
}

function required(value: string | undefined, variable: string, routing: string): string {
  if (value === undefined) {
    throw new AuraError(
      "config_error",
      `${variable}: must be set when AURA_LLM_ROUTING=${routing}`,
    );
  }
  return value;
}
