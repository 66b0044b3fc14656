import type { ToolAuth } from "../../src/protocol/stream.js";
import type { RecordedInstalledTool } from "../../src/session/session-record.js";
import { checkToolEndpoint, type EndpointGuard } from "../../src/tools/endpoint-guard.js";
import { type DispatchOutcome, failure } from "./tool-gateway.js";

/** Longest endpoint answer handed to the model, in characters. */
const MAX_OUTPUT_CHARS = 8000;
const DEFAULT_TIMEOUT_MS = 30_000;

/** Redirects followed before the call is given up (each hop is checked again). */
const MAX_REDIRECTS = 5;

/**
 * Runs an installed tool (SPEC §6): `POST` of the call's arguments as JSON to its endpoint,
 * with its auth and the action id as `Idempotency-Key`, so an endpoint can answer a re-sent
 * call with its first outcome. A 2xx answer is the result; anything else is an error result.
 *
 * The endpoint, and every redirect it answers with, must pass the endpoint guard
 * (`src/tools/endpoint-guard.ts`) before anything is sent there: redirects are followed by
 * hand (`redirect: "manual"`), so a public endpoint cannot bounce the call to loopback, a
 * private network or the sandbox. Credentials never follow a redirect to another origin.
 */
export async function dispatchInstalled(
  tool: RecordedInstalledTool,
  auth: ToolAuth | undefined,
  args: Record<string, unknown>,
  actionId: string,
  guard: EndpointGuard,
): Promise<DispatchOutcome> {
  if (tool.auth_type !== "none" && auth?.type !== tool.auth_type) {
    return {
      result: failure(
        tool.name,
        "tool_disabled",
        `the credentials of ${tool.name} are not available`,
      ),
    };
  }
  const first = checkToolEndpoint(tool.endpoint, guard);
  if (!first.ok) return refusedEndpoint(tool.name, first.reason);
  const headers = new Headers({
    "content-type": "application/json",
    "idempotency-key": actionId,
    "x-aura-tool": tool.name,
  });
  const credentials = credentialHeaders(auth);
  for (const [k, v] of credentials) headers.set(k, v);
  const signal = AbortSignal.timeout(tool.timeout_ms ?? DEFAULT_TIMEOUT_MS);
  let url = first.url;
  let method = "POST";
  let body: string | undefined = JSON.stringify(args);
  let response: Response;
  try {
    for (let hop = 0; ; hop++) {
      response = await fetch(url, { method, headers, body, signal, redirect: "manual" });
      const location = response.headers.get("location");
      if (response.status < 300 || response.status > 399 || location === null) break;
      await response.body?.cancel();
      if (hop >= MAX_REDIRECTS) {
        return { result: failure(tool.name, "io_error", `${tool.name}: too many redirects`) };
      }
      const next = checkToolEndpoint(new URL(location, url).href, guard);
      if (!next.ok) return refusedEndpoint(tool.name, `redirected to ${next.reason}`);
      if (next.url.origin !== url.origin) for (const [k] of credentials) headers.delete(k);
      // As fetch does: 303 (and 301/302 after a POST) continue as a GET without the body.
      if (
        response.status === 303 ||
        ((response.status === 301 || response.status === 302) && method === "POST")
      ) {
        method = "GET";
        body = undefined;
        headers.delete("content-type");
      }
      url = next.url;
    }
  } catch (err) {
    const timedOut = err instanceof Error && err.name === "TimeoutError";
    const result = timedOut
      ? failure(tool.name, "tool_timeout", `${tool.name} did not answer in time`)
      : failure(tool.name, "io_error", `${tool.name} unreachable: ${(err as Error).message}`);
    return { result };
  }
  const text = await response.text();
  const output =
    text.length > MAX_OUTPUT_CHARS ? `${text.slice(0, MAX_OUTPUT_CHARS)}\n[truncated]` : text;
  if (!response.ok) {
    const result = failure(tool.name, "command_failed", `HTTP ${response.status}: ${output}`);
    result.metadata.http_status = response.status;
    return { result };
  }
  return {
    result: {
      tool: tool.name,
      ok: true,
      stdout: output,
      stderr: "",
      metadata: { http_status: response.status },
    },
  };
}

/** The headers that carry an installed tool's credentials. */
function credentialHeaders(auth: ToolAuth | undefined): Array<[string, string]> {
  if (auth?.type === "bearer") return [["authorization", `Bearer ${auth.token}`]];
  if (auth?.type === "api_key") return [[auth.header, auth.key]];
  if (auth?.type === "headers") return Object.entries(auth.headers);
  return [];
}

/** The result of a call the endpoint guard stopped: nothing was sent. */
function refusedEndpoint(tool: string, reason: string): DispatchOutcome {
  return { result: failure(tool, "sandbox_violation", `${tool}: endpoint refused: ${reason}`) };
}
