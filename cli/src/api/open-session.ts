import type { CreateAgentRequest } from "../../../src/protocol/agents.js";
import type { HttpClient } from "./http-client.js";
import { StreamSession, type StreamSessionOptions } from "./stream-session.js";

/**
 * Opens a `/stream` session on `agentId`, or on a new agent created first with
 * `POST /agents` (`create` is its body), so the socket always goes straight to the agent's
 * object (`?agent_id=`), the leg that lives as long as the client wants, rather than through
 * the Worker's relay that a socket without an agent id gets.
 *
 * @example
 * const session = await openAgentSession(api, { create: { name: "repl" } });
 * session.agentId; // the new agent's id
 */
export async function openAgentSession(
  api: HttpClient,
  options: Omit<StreamSessionOptions, "url" | "token"> & { create?: CreateAgentRequest },
): Promise<StreamSession> {
  const { create, ...rest } = options;
  const agentId = rest.agentId ?? (await api.createAgent(create ?? {})).agent_id;
  return StreamSession.open({ ...rest, url: api.url, token: api.token, agentId });
}
