import Anthropic from "@anthropic-ai/sdk";
import { type CallTuning, MessagesProvider } from "./messages-provider.js";

/** The direct adapter's settings (`AURA_LLM_ROUTING=direct`). */
export interface AnthropicProviderOptions extends CallTuning {
  apiKey: string;
  /** Default `https://api.anthropic.com`. */
  baseURL?: string;
  /** Default `claude-opus-4-6`; used when the request names no model of its own. */
  model?: string;
}

/**
 * The `anthropic` adapter: the Messages API with an API key, streaming, with our retries
 * and the fallback model (see {@link MessagesProvider}).
 *
 * @example
 * const provider = createAnthropicProvider({ apiKey: env.AURA_ANTHROPIC_API_KEY, fallbackModel: "claude-sonnet-4-5" });
 */
export function createAnthropicProvider(options: AnthropicProviderOptions): MessagesProvider {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const client = new Anthropic({
    apiKey: options.apiKey,
    baseURL: options.baseURL ?? "https://api.anthropic.com",
    maxRetries: 0,
    timeout: timeoutMs,
  });
  return new MessagesProvider({
    ...options,
    name: "anthropic",
    model: options.model ?? "claude-opus-4-6",
    timeoutMs,
    client: () => client,
  });
}
