import { Hono } from "hono";
import { z } from "zod";
import { agentStub } from "../../../durable-objects/stubs.js";
import { AuraError, unwrap } from "../../core/errors.js";
import { AgentId } from "../../core/ids.js";
import { slugOf } from "../../core/slug.js";
import { loggerFor } from "../../log/env-logger.js";
import { errorFields } from "../../log/error-fields.js";
import type { SandboxClient } from "../../tools/sandbox-client.js";
import { sandboxErrorOf } from "../../tools/sandbox-errors.js";
import { agentWorkspaceOf } from "../../tools/workspace-id.js";
import { validate } from "../body.js";
import type { AppEnv } from "../context.js";
import { configuredSandbox } from "../sandbox-access.js";
import { relayTerminal, type TerminalEnd } from "../terminal-relay.js";

const FilesQuery = z.object({
  agent_id: AgentId,
  path: z.string().min(1).max(4096).default("."),
  depth: z.coerce
    .number()
    .int()
    .default(3)
    .transform((n) => Math.min(20, Math.max(0, n))),
});

const ReadFileQuery = z.object({ agent_id: AgentId, path: z.string().min(1).max(4096) });

const TerminalQuery = z.object({ agent_id: AgentId });

const ResolveQuery = z.object({ project_name: z.string().min(1).max(200) });

/**
 * The agent's workspace, through the sandbox: the files tree, one file's text and the
 * terminal (`/ws/terminal`). The agent must exist in the caller's org; the sandbox only ever
 * sees a token scoped to that agent's workspace. The terminal is the `terminal` tool: the
 * agent's object decides it by policy and records its opening (or refusal, `403 forbidden`);
 * the Worker relays its socket and has the object record its closing.
 */
export const workspaceRoutes = new Hono<AppEnv>()
  .get("/api/files", async (c) => {
    const q = validate(FilesQuery, c.req.query(), "query");
    const { client, workspace } = await sandboxFor(c, q.agent_id);
    return c.json(await client.files(workspace, q.path, q.depth));
  })
  .get("/api/read-file", async (c) => {
    const q = validate(ReadFileQuery, c.req.query(), "query");
    const { client, workspace } = await sandboxFor(c, q.agent_id);
    return c.json(await client.readFile(workspace, q.path));
  })
  .get("/ws/terminal", async (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      throw new AuraError("invalid_request", "upgrade: /ws/terminal needs a WebSocket upgrade");
    }
    const q = validate(TerminalQuery, c.req.query(), "query");
    const { org, sub } = c.get("principal");
    // The agent's own workspace, or its project's (an automaton's agent).
    const { client, workspace } = await sandboxFor(c, q.agent_id);
    // The agent's policy decides (asking its watchers when it must) and records the opening.
    const stub = agentStub(c.env, org, q.agent_id);
    const address = { org, agent_id: q.agent_id };
    const { terminal_id, opened_at } = unwrap(await stub.openTerminal({ ...address, sub }));
    const recordEnd = (end: TerminalEnd): void => {
      const closing = stub
        .closeTerminal({ ...address, terminal_id, sub, opened_at, ...end })
        .then((closed) => unwrap(closed))
        .catch((err: unknown) =>
          loggerFor(c.env).log("error", "terminal_close_not_recorded", {
            ...address,
            ...errorFields(err),
          }),
        );
      c.executionCtx.waitUntil(closing);
    };
    let response: Response;
    try {
      response = await client.terminal(workspace);
    } catch (err) {
      recordEnd({ closed_by: "sandbox", code: 1011 });
      throw err;
    }
    if (!response.webSocket) {
      recordEnd({ closed_by: "sandbox", code: 1011 });
      throw sandboxErrorOf(response.status, await response.text());
    }
    return relayTerminal(response.webSocket, recordEnd);
  })
  .get("/workspace/resolve", (c) => {
    const { project_name } = validate(ResolveQuery, c.req.query(), "query");
    return c.json({ path: slugOf(project_name) });
  });

async function sandboxFor(
  c: {
    env: Env;
    get(key: "principal"): { org: string };
    get(key: "config"): AppEnv["Variables"]["config"];
  },
  agentId: string,
): Promise<{ client: SandboxClient; workspace: string }> {
  const { org } = c.get("principal");
  const summary = unwrap(await agentStub(c.env, org, agentId).summary({ org, agent_id: agentId }));
  return { client: configuredSandbox(c), workspace: agentWorkspaceOf(org, agentId, summary) };
}
