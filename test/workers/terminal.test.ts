import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createAgent, mintToken } from "./helpers.js";

const ORG = "org-terminal";
let token: string;

beforeAll(async () => {
  token = await mintToken({ org: ORG });
});

function upgrade(query: string): Promise<Response> {
  return exports.default.fetch(
    new Request(`https://aura.test/ws/terminal?${query}`, { headers: { Upgrade: "websocket" } }),
  );
}

describe("/ws/terminal", () => {
  it("opens a shell in the agent's workspace through the Worker and runs what it is sent", async () => {
    const agentId = await createAgent(token);
    const response = await upgrade(new URLSearchParams({ token, agent_id: agentId }).toString());
    const ws = response.webSocket;
    expect(ws).toBeTruthy();
    ws!.accept();
    let output = "";
    const frames: Array<{ type: string }> = [];
    const seen = new Promise<void>((resolve) => {
      ws!.addEventListener("message", (event) => {
        const frame = JSON.parse(String(event.data)) as { type: string; data?: string };
        frames.push(frame);
        if (frame.type === "output" && frame.data) output += atob(frame.data);
        if (output.includes("terminal-ok-42")) resolve();
      });
    });
    ws!.send(JSON.stringify({ type: "spawn", cols: 80, rows: 24 }));
    ws!.send(JSON.stringify({ type: "input", data: btoa("echo terminal-ok-$((40+2))\n") }));
    await seen;
    expect(frames[0]?.type).toBe("spawned");
    ws!.close(1000, "done");
  });

  it("refuses a plain request, a missing agent, and another org's agent", async () => {
    const agentId = await createAgent(token);
    const plain = await exports.default.fetch(
      new Request(`https://aura.test/ws/terminal?agent_id=${agentId}`, {
        headers: { authorization: `Bearer ${token}` },
      }),
    );
    expect(plain.status).toBe(400);
    const missing = await upgrade(
      new URLSearchParams({ token, agent_id: "0".repeat(64) }).toString(),
    );
    expect(missing.status).toBe(404);
    const stranger = await mintToken({ org: "org-terminal-other" });
    const foreign = await upgrade(
      new URLSearchParams({ token: stranger, agent_id: agentId }).toString(),
    );
    expect(foreign.status).toBe(404);
    const anonymous = await upgrade(new URLSearchParams({ agent_id: agentId }).toString());
    expect(anonymous.status).toBe(401);
  });
});
