import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { bodyOf, createAgent, type ErrorResponse, waitFor } from "../helpers.js";
import { openStream } from "../stream-client.js";
import { freshOrg } from "./backpressure-helpers.js";
import { LIMITS } from "./limits.js";

/** `GET /stream?agent_id=` as a client upgrades it. */
function upgrade(token: string, agentId: string): Promise<Response> {
  const query = new URLSearchParams({ token, agent_id: agentId });
  return exports.default.fetch(
    new Request(`https://aura.test/stream?${query}`, { headers: { Upgrade: "websocket" } }),
  );
}

describe("the session cap (AURA_MAX_SESSIONS_PER_AGENT)", () => {
  it("refuses the upgrade past the cap with 429 rate_limited and retry-after, and accepts again once a session leaves", async () => {
    // Given an agent with as many sessions as the cap
    const { token } = await freshOrg();
    const agentId = await createAgent(token);
    const open = [];
    for (let i = 0; i < LIMITS.sessions; i++) open.push(await openStream(token, agentId));

    // When one more client upgrades
    const refused = await upgrade(token, agentId);

    // Then it is refused, with no socket, in the one error model
    expect(refused.status).toBe(429);
    expect(refused.webSocket).toBeNull();
    expect(refused.headers.get("retry-after")).toBe("30");
    expect((await bodyOf<ErrorResponse>(refused)).error.code).toBe("rate_limited");

    // And once a session closes, a new one is accepted
    open[0]?.close();
    const accepted = await waitFor("a place to open", async () => {
      const response = await upgrade(token, agentId);
      if (response.webSocket) return response;
      expect(response.status).toBe(429);
      return undefined;
    });
    expect(accepted.status).toBe(101);
    accepted.webSocket?.accept();
    accepted.webSocket?.close(1000, "done");
    for (const client of open.slice(1)) client.close();
  });

  it("tells a relayed client of a full agent why, with an error frame rate_limited, and closes with 1013", async () => {
    // Given an agent with as many sessions as the cap
    const { token } = await freshOrg();
    const agentId = await createAgent(token);
    const open = [];
    for (let i = 0; i < LIMITS.sessions; i++) open.push(await openStream(token, agentId));

    // When a client without ?agent_id= names it in session_init
    const relayed = await openStream(token);
    const closed = new Promise<number>((resolve) =>
      relayed.ws.addEventListener("close", (event) => resolve(event.code)),
    );
    relayed.send({ type: "session_init", aura_agent_id: agentId });

    // Then it is told rate_limited, and the socket closes with "try again later"
    const error = await relayed.next("error");
    expect(error.code).toBe("rate_limited");
    expect(await closed).toBe(1013);
    for (const client of open) client.close();
  });
});
