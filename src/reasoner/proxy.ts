import Anthropic from "@anthropic-ai/sdk";
import { type CallTuning, MessagesProvider } from "./messages-provider.js";
import { type ModelCallContext, ModelError } from "./types.js";

/** The proxy adapter's settings (`AURA_LLM_ROUTING=proxy`). */
export interface ProxyProviderOptions extends CallTuning {
  /** The router's base URL; the SDK posts to `<routerUrl>/v1/messages`. */
  routerUrl: string;
  /** Sent when a call's context carries no JWT of its own (`AURA_ROUTER_JWT`). */
  jwt?: string;
  /** Default `claude-opus-4-6`; used when the request names no model of its own. */
  model?: string;
}

/**
 * The `proxy` adapter: the same Messages API calls, sent to the model router with
 * `Authorization: Bearer <jwt>` (the caller's, else the configured one) and the
 * `X-Aura-Agent-Id`, `X-Aura-Session-Id`, `X-Aura-Org-Id`, `X-Aura-Project-Id` headers of
 * the call's context. A call with no JWT at all fails as `unauthorized` without a request.
 *
 * @example
 * const provider = createProxyProvider({ routerUrl: "https://router.example.com" });
 * await provider.complete(request, { context: { agent_id, org_id, jwt } });
 */
export function createProxyProvider(options: ProxyProviderOptions): MessagesProvider {
  const timeoutMs = options.timeoutMs ?? 60_000;
  return new MessagesProvider({
    ...options,
    name: "proxy",
    model: options.model ?? "claude-opus-4-6",
    timeoutMs,
    client: (context) => {
      const jwt = context?.jwt ?? options.jwt;
      if (jwt === undefined || jwt === "") {
        throw new ModelError(
          "unauthorized",
          "proxy routing needs a JWT: the call carries none and AURA_ROUTER_JWT is not set",
        );
      }
      return new Anthropic({
        authToken: jwt,
        baseURL: options.routerUrl,
        maxRetries: 0,
        timeout: timeoutMs,
        defaultHeaders: auraHeaders(context),
      });
    },
  });
}

/** The router's `X-Aura-*` headers for the fields the context has. */
export function auraHeaders(context: ModelCallContext | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (context === undefined) return headers;
  headers["X-Aura-Agent-Id"] = context.agent_id;
  headers["X-Aura-Org-Id"] = context.org_id;
  if (context.session_id !== undefined) headers["X-Aura-Session-Id"] = context.session_id;
  if (context.project_id !== undefined) headers["X-Aura-Project-Id"] = context.project_id;
  return headers;
}
