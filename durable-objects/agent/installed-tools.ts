import type { ToolAuth } from "../../src/protocol/stream.js";
import type { RecordedInstalledTool } from "../../src/session/session-record.js";
import { type DispatchOutcome, failure } from "./tool-gateway.js";

/** Longest endpoint answer handed to the model, in characters. */
const MAX_OUTPUT_CHARS = 8000;
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Runs an installed tool (SPEC §6): `POST` of the call's arguments as JSON to its endpoint,
 * with its auth and the action id as `Idempotency-Key`, so an endpoint can answer a re-sent
 * call with its first outcome. A 2xx answer is the result; anything else is an error result.
 */
export async function dispatchInstalled(
  tool: RecordedInstalledTool,
  auth: ToolAuth | undefined,
  args: Record<string, unknown>,
  actionId: string,
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
  const headers = new Headers({
    "content-type": "application/json",
    "idempotency-key": actionId,
    "x-aura-tool": tool.name,
  });
  if (auth?.type === "bearer") headers.set("authorization", `Bearer ${auth.token}`);
  if (auth?.type === "api_key") headers.set(auth.header, auth.key);
  if (auth?.type === "headers")
    for (const [k, v] of Object.entries(auth.headers)) headers.set(k, v);
  let response: Response;
  try {
    response = await fetch(tool.endpoint, {
      method: "POST",
      headers,
      body: JSON.stringify(args),
      signal: AbortSignal.timeout(tool.timeout_ms ?? DEFAULT_TIMEOUT_MS),
    });
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
