import { agentStub, CALLER_HEADERS } from "../../durable-objects/stubs.js";
import { closeQuietly } from "../core/close-socket.js";
import { newAgentId } from "../core/ids.js";
import { loggerFor } from "../log/env-logger.js";
import { errorFields } from "../log/error-fields.js";
import { errorFrame } from "../protocol/stream.js";
import { initHintsOf } from "../session/aura-agent-id.js";
import { audienceOf, frameFor } from "../session/frame-audience.js";

/** Who the Worker authenticated, and the upgrade request it came with. */
export interface RelayCaller {
  org: string;
  sub: string;
  token: string;
  request: Request;
}

type Frame = string | ArrayBuffer;

/**
 * Serves a `/stream` socket opened without `?agent_id=` (how reference clients connect): the
 * Worker accepts it, waits for the first frame to learn which agent it is for —
 * `session_init.aura_agent_id` when it is an agent id (64 hex) of the caller's org, a new
 * agent otherwise (a reference client's UUID is a billing id, not an agent) — then opens the
 * socket to that agent's object and relays frames both ways, in order. An agent id that names
 * no agent of the org is answered with a recoverable `not_found` (`parse_error` to a client
 * that did not opt in to our codes), and the next frame decides again. Only the relayed leg
 * is the object's (hibernatable) socket; a client that knows the agent connects with
 * `?agent_id=` directly.
 *
 * @example
 * return relayStream(env, { org, sub, token, request: c.req.raw });
 */
export function relayStream(env: Env, caller: RelayCaller): Response {
  const pair = new WebSocketPair();
  const [client, server] = [pair[0], pair[1]];
  server.accept();
  /** Frames that arrived before the agent's socket was open, in order. */
  const pending: Frame[] = [];
  let agentSocket: WebSocket | undefined;
  let choosing = false;

  const choose = async (first: Frame): Promise<void> => {
    const hints = initHintsOf(first);
    const named = hints?.attach;
    if (named !== undefined) {
      const known = await agentStub(env, caller.org, named).head({
        org: caller.org,
        agent_id: named,
      });
      if (!known.ok) {
        pending.shift();
        const missing = errorFrame(
          "not_found",
          `aura_agent_id: no agent ${named} in your organisation`,
          true,
        );
        send(server, frameFor(audienceOf(hints?.extensions), missing) ?? missing);
        return;
      }
    }
    const opened = await openAgentSocket(env, caller, named ?? newAgentId());
    if (!(opened instanceof WebSocket)) {
      // The agent's sessions are at their cap: the client is told why, then the relay ends.
      const full = errorFrame("rate_limited", opened.message, false);
      send(server, frameFor(audienceOf(hints?.extensions), full) ?? full);
      closeQuietly(server, TRY_AGAIN_LATER, "too many sessions for this agent");
      return;
    }
    agentSocket = opened;
    agentSocket.addEventListener("message", (event) => forward(server, event.data));
    agentSocket.addEventListener("close", (event) =>
      closeQuietly(server, event.code, event.reason),
    );
    agentSocket.addEventListener("error", () => closeQuietly(server, 1011, "agent socket error"));
    for (const frame of pending.splice(0)) agentSocket.send(frame);
  };

  const next = (): void => {
    if (choosing || agentSocket !== undefined || pending.length === 0) return;
    choosing = true;
    choose(pending[0]!)
      .catch((err: unknown) => {
        const fields = { org: caller.org, ...errorFields(err) };
        loggerFor(env).log("error", "stream_relay_failed", fields);
        closeQuietly(server, 1011, "the agent could not be reached");
      })
      .finally(() => {
        choosing = false;
        next();
      });
  };

  server.addEventListener("message", (event) => {
    const data = event.data as Frame;
    if (agentSocket !== undefined) {
      agentSocket.send(data);
      return;
    }
    pending.push(data);
    next();
  });
  server.addEventListener("close", (event) => {
    if (agentSocket !== undefined) closeQuietly(agentSocket, event.code, event.reason);
    // No agent yet (the client leaves after an error): complete the close here.
    else closeQuietly(server, event.code, event.reason);
  });
  return new Response(null, { status: 101, webSocket: client });
}

/** WebSocket close code 1013, "Try Again Later". */
const TRY_AGAIN_LATER = 1013;

/** The agent's socket, or the refusal of a full agent (`429 rate_limited`, its message). */
async function openAgentSocket(
  env: Env,
  caller: RelayCaller,
  agentId: string,
): Promise<WebSocket | { message: string }> {
  const headers = new Headers({ Upgrade: "websocket" });
  headers.set(CALLER_HEADERS.org, caller.org);
  headers.set(CALLER_HEADERS.sub, caller.sub);
  headers.set(CALLER_HEADERS.agent, agentId);
  headers.set(CALLER_HEADERS.jwt, caller.token);
  const response = await agentStub(env, caller.org, agentId).fetch(
    new Request(caller.request.url, { method: "GET", headers }),
  );
  const socket = response.webSocket;
  if (!socket && response.status === 429) {
    const body = (await response.json()) as { error?: { message?: string } };
    return { message: body.error?.message ?? "too many sessions for this agent" };
  }
  if (!socket) throw new Error(`the agent's object answered ${response.status}`);
  socket.accept();
  return socket;
}

function forward(to: WebSocket, data: unknown): void {
  try {
    to.send(data as Frame);
  } catch {
    // The other side is closing; its close event ends the relay.
  }
}

function send(to: WebSocket, frame: object): void {
  forward(to, JSON.stringify(frame));
}
