import { DispatchRequest, WorkspaceId } from "../src/protocol/sandbox.js";
import { SandboxClient, urlTransport } from "../src/tools/sandbox-client.js";

/**
 * Bench-only fixture: the Worker's side of a tool call, alone. `npm run bench` serves it with
 * Miniflare next to a real sandbox process and times, over HTTP, each hop a tool call makes
 * from a Worker: the product's own `SandboxClient` signs a workspace token, sends the
 * dispatch to `SANDBOX_URL`, and validates the reply against the wire contract. The reply
 * here is a summary (the product records the result instead of returning it).
 *
 * @example
 * // POST /dispatch/<workspace>  {"action_id":"b-1","tool":"run_command","args":{"command":"true"}}
 * // → 200 {"ok":true,"replayed":false,"stdout_chars":0,"error_code":null}
 * // GET /token/<workspace> → {"token":"eyJ…"}  (what the client signs; for the bench's direct calls)
 */
interface ToolsEnv {
  SANDBOX_URL: string;
  SANDBOX_TOKEN_SECRET: string;
}

let cached: { key: string; client: SandboxClient } | undefined;

/** One client per URL and secret, as the product keeps one (its tokens are reused). */
function clientOf(env: ToolsEnv): SandboxClient {
  const key = `${env.SANDBOX_URL}\n${env.SANDBOX_TOKEN_SECRET}`;
  if (cached?.key !== key) {
    cached = {
      key,
      client: new SandboxClient(urlTransport(env.SANDBOX_URL), env.SANDBOX_TOKEN_SECRET),
    };
  }
  return cached.client;
}

function problem(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status });
}

export default {
  async fetch(request: Request, env: ToolsEnv): Promise<Response> {
    const match = /^\/(dispatch|token)\/([^/]+)$/.exec(new URL(request.url).pathname);
    const workspace = WorkspaceId.safeParse(match?.[2]);
    if (!match || !workspace.success) return problem(404, "not_found", "no such route");
    const client = clientOf(env);
    if (match[1] === "token") return Response.json({ token: await client.token(workspace.data) });
    if (request.method !== "POST") return problem(405, "invalid_request", "POST a dispatch");
    const body = DispatchRequest.safeParse(await request.json().catch(() => undefined));
    if (!body.success) return problem(400, "invalid_request", body.error.message);
    try {
      const reply = await client.dispatch(workspace.data, body.data);
      return Response.json({
        ok: reply.result.ok,
        replayed: reply.replayed,
        stdout_chars: reply.result.stdout.length,
        error_code: reply.result.metadata.error_code ?? null,
      });
    } catch (err) {
      return problem(502, "unavailable", err instanceof Error ? err.message : String(err));
    }
  },
} satisfies ExportedHandler<ToolsEnv>;
