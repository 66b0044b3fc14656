import { Hono } from "hono";
import { z } from "zod";
import { agentStub, CALLER_HEADERS } from "../../../durable-objects/stubs.js";
import { AuraError, unwrap } from "../../core/errors.js";
import { AgentId } from "../../core/ids.js";
import { AutomatonStreamQuery } from "../../protocol/automaton-stream.js";
import { AutomatonId, agentOfAutomaton } from "../../protocol/automatons.js";
import { validate } from "../body.js";
import type { AppEnv } from "../context.js";
import { relayStream } from "../stream-relay.js";

const StreamQuery = z.object({ agent_id: AgentId.optional() });
const AutomatonParams = z.object({ id: AutomatonId });

/**
 * `GET /stream`: the WebSocket session protocol (SPEC §6), served by the agent's Durable
 * Object. `?agent_id=` attaches to an existing agent of the caller's org (404 otherwise) and
 * hands the socket to its object. Without it, the Worker relays the socket to the agent its
 * `session_init` names (`aura_agent_id`), or to a new agent, created by that `session_init`.
 */
export const streamRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      throw new AuraError("invalid_request", "upgrade: /stream needs a WebSocket upgrade");
    }
    const query = validate(StreamQuery, c.req.query(), "query");
    const { org, sub } = c.get("principal");
    if (query.agent_id === undefined) {
      return relayStream(c.env, { org, sub, token: c.get("token"), request: c.req.raw });
    }
    const agentId = query.agent_id;
    const stub = agentStub(c.env, org, agentId);
    unwrap(await stub.head({ org, agent_id: agentId }));
    const headers = new Headers(c.req.raw.headers);
    headers.set(CALLER_HEADERS.org, org);
    headers.set(CALLER_HEADERS.sub, sub);
    headers.set(CALLER_HEADERS.agent, agentId);
    headers.set(CALLER_HEADERS.jwt, c.get("token"));
    return stub.fetch(new Request(c.req.url, { method: "GET", headers }));
  })
  /**
   * `GET /stream/automaton/:id[?after_seq=n]`: an automaton's events (SPEC §10), served by the
   * object of the agent that runs it; with `after_seq`, the events after it are replayed
   * first (like a `resume` frame, but before any live event). An automaton the caller's org
   * does not have is 404 before the upgrade.
   */
  .get("/automaton/:id", async (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      throw new AuraError(
        "invalid_request",
        "upgrade: /stream/automaton/:id needs a WebSocket upgrade",
      );
    }
    const { id } = validate(AutomatonParams, c.req.param(), "path");
    validate(AutomatonStreamQuery, c.req.query(), "query");
    const { org, sub } = c.get("principal");
    const agentId = agentOfAutomaton(id);
    const stub = agentStub(c.env, org, agentId);
    unwrap(await stub.automaton({ org, agent_id: agentId }, id));
    const headers = new Headers(c.req.raw.headers);
    headers.set(CALLER_HEADERS.org, org);
    headers.set(CALLER_HEADERS.sub, sub);
    headers.set(CALLER_HEADERS.agent, agentId);
    return stub.fetch(new Request(c.req.url, { method: "GET", headers }));
  });
