import type { Config } from "../config.js";
import { AuraError } from "../core/errors.js";
import { MockProvider } from "./mock.js";
import type { ModelProvider } from "./types.js";

/**
 * The provider `AURA_LLM_ROUTING` selects. Only `mock` is wired so far; the `anthropic` and
 * `proxy` adapters arrive with the reasoner, and asking for them before fails loudly.
 */
export function selectProvider(config: Config): ModelProvider {
  if (config.llmRouting === "mock") return new MockProvider();
  throw new AuraError(
    "config_error",
    `AURA_LLM_ROUTING=${config.llmRouting} is not available in this build; use AURA_LLM_ROUTING=mock`,
  );
}
