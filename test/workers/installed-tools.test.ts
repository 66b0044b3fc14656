import { afterEach, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { textToBase64 } from "../../src/core/base64.js";
import type { ToolResult } from "../../src/protocol/sandbox.js";
import {
  agentStub,
  getRecord,
  mintToken,
  payloadJson,
  payloadText,
  randomAgentId,
  submitTx,
  waitForTx,
} from "./helpers.js";
import { finalText, scriptModel, toolCalls } from "./scripted-model.js";
import { openSession, openStream } from "./stream-client.js";

const ORG = "org-installed";
let token: string;

beforeAll(async () => {
  token = await mintToken({ org: ORG });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("installed tools", () => {
  it("offers a session's installed tool to the model and dispatches it over HTTP with its auth, through policy and the record", async () => {
    const base = inject("fakeAnthropicUrl");
    const requests = scriptModel(({ opening, step, request }) => {
      if (opening !== "look it up") return undefined;
      return step === 0
        ? toolCalls(request.model, [{ id: "lk1", name: "lookup", input: { q: "kiwi" } }])
        : finalText(request.model, "looked up");
    });
    const { client, ready } = await openSession(token, undefined, {
      installed_tools: [
        {
          name: "lookup",
          description: "Looks a word up",
          input_schema: { type: "object", properties: { q: { type: "string" } } },
          endpoint: `${base}/__tool/echo`,
          auth: { type: "bearer", token: "tool-secret-token" },
          timeout_ms: 5000,
        },
      ],
    });
    expect(ready.tools.map((t) => t.name)).toContain("lookup");

    client.send({ type: "user_message", content: "look it up" });
    const result = await client.next("tool_result");
    expect(result).toMatchObject({ tool_use_id: "lk1", name: "lookup", is_error: false });
    const echoed = JSON.parse(result.result) as {
      body: unknown;
      headers: Record<string, string | null>;
    };
    expect(echoed.body).toEqual({ q: "kiwi" });
    expect(echoed.headers.authorization).toBe("Bearer tool-secret-token");
    expect(echoed.headers["x-aura-tool"]).toBe("lookup");
    await client.next("assistant_message_end");

    // The model was offered the tool with its schema
    expect(requests[0]?.tools?.find((t) => t.name === "lookup")).toMatchObject({
      description: "Looks a word up",
    });
    // The call went through the record: proposal, then execution keyed by the proposal
    const entries = await getRecord(token, ready.agent_id);
    const proposal = entries.find((e) => e.tx.tx_type === "tool_proposal")!;
    const execution = payloadJson(entries.find((e) => e.tx.tx_type === "tool_execution")!);
    expect(payloadJson(proposal)).toMatchObject({ tool: "lookup", decision: "approved" });
    expect(execution).toMatchObject({
      tool: "lookup",
      action_id: proposal.tx.hash,
      is_error: false,
    });
    expect(echoed.headers["idempotency-key"]).toBe(proposal.tx.hash);
    // And the session's record holds no credential, only the kind of auth (the echo
    // endpoint's own answer, recorded as its result, repeats the header by design)
    const start = entries.find((e) => e.tx.tx_type === "session_start")!;
    expect(payloadText(start)).not.toContain("tool-secret-token");
    expect(payloadJson(start).installed_tools).toEqual([
      expect.objectContaining({ name: "lookup", auth_type: "bearer" }),
    ]);
    client.close();
  });

  it("gives the model an error result when the endpoint fails", async () => {
    const base = inject("fakeAnthropicUrl");
    scriptModel(({ opening, step, request }) => {
      if (opening !== "call the broken tool") return undefined;
      return step === 0
        ? toolCalls(request.model, [{ id: "br1", name: "broken", input: {} }])
        : finalText(request.model, "it broke");
    });
    const { client } = await openSession(token, undefined, {
      installed_tools: [
        {
          name: "broken",
          description: "Always fails",
          input_schema: { type: "object" },
          endpoint: `${base}/__tool/status/503`,
        },
      ],
    });
    client.send({ type: "user_message", content: "call the broken tool" });
    const result = await client.next("tool_result");
    expect(result).toMatchObject({ name: "broken", is_error: true });
    expect(result.result).toMatch(/^command_failed: HTTP 503/);
    client.close();
  });

  describe("endpoint guard", () => {
    /** Endpoints an attacker would point a tool at; `mark` tells its hits apart. */
    function hostileEndpoints(mark: string) {
      const fakePort = new URL(inject("fakeAnthropicUrl")).port;
      return {
        sandbox: `${inject("sandboxUrl")}/tools/dispatch`,
        loopback: `http://localhost:${fakePort}/__tool/echo?mark=${mark}`,
        mapped: `http://[::ffff:127.0.0.1]:${fakePort}/__tool/echo?mark=${mark}`,
        private: "http://10.0.0.5/run",
        metadata: "http://169.254.169.254/latest/meta-data/",
      };
    }

    async function toolHits(): Promise<string[]> {
      return (await fetch(`${inject("fakeAnthropicUrl")}/__tool/hits`)).json();
    }

    it("refuses at session_init a tool whose endpoint is the sandbox, loopback, private or the metadata address, naming the tool", async () => {
      const endpoints = hostileEndpoints("init");
      for (const [name, endpoint] of Object.entries(endpoints)) {
        const client = await openStream(token);
        client.send({
          type: "session_init",
          installed_tools: [
            {
              name: "fine",
              description: "ok",
              input_schema: {},
              endpoint: "https://tools.example.com/x",
            },
            { name, description: "hostile", input_schema: {}, endpoint },
          ],
        });
        const error = await client.next("error");
        expect(error).toMatchObject({ code: "parse_error", recoverable: true });
        expect(error.message).toContain(`installed_tools[1].endpoint: tool "${name}"`);
        // Recoverable: the same socket starts a session without the hostile tool
        client.send({ type: "session_init" });
        await client.next("session_ready");
        client.close();
      }
      expect((await toolHits()).filter((h) => h.includes("mark=init"))).toEqual([]);
    });

    it("refuses at dispatch a recorded tool whose endpoint the guard refuses: recorded sandbox_violation, nothing reaches it", async () => {
      // Given a session recorded with hostile endpoints (as one recorded before the guard was)
      const endpoints = hostileEndpoints("dispatch");
      const names = Object.keys(endpoints);
      const agentId = randomAgentId();
      const record = {
        session_id: "s-hostile",
        installed_tools: Object.entries(endpoints).map(([name, endpoint]) => ({
          name,
          description: "hostile",
          input_schema: { type: "object" },
          endpoint,
          auth_type: "none",
          timeout_ms: 2000,
        })),
        workspace: ".",
      };
      const started = await agentStub(ORG, agentId).admit({
        org: ORG,
        agent_id: agentId,
        kind: "session_start",
        payload: textToBase64(JSON.stringify(record)),
        now: Date.now(),
      });
      expect(started.ok).toBe(true);
      scriptModel(({ opening, step, request }) => {
        if (opening !== "reach inside") return undefined;
        return step === 0
          ? toolCalls(
              request.model,
              names.map((name) => ({ id: `h-${name}`, name, input: {} })),
            )
          : finalText(request.model, "done");
      });

      // When the model calls every one of them
      const txId = await submitTx(token, {
        agent_id: agentId,
        kind: "user_prompt",
        text: "reach inside",
      });
      await waitForTx(token, agentId, txId);

      // Then each call is recorded as refused, and none reached its endpoint
      const executions = (await getRecord(token, agentId))
        .filter((e) => e.tx.tx_type === "tool_execution")
        .map((e) => payloadJson(e) as { tool: string; is_error: boolean; result: ToolResult });
      expect(executions.map((e) => e.tool).sort()).toEqual([...names].sort());
      for (const execution of executions) {
        expect(execution.is_error).toBe(true);
        expect(execution.result.metadata.error_code).toBe("sandbox_violation");
        expect(execution.result.stderr).toMatch(/endpoint refused/);
      }
      expect((await toolHits()).filter((h) => h.includes("mark=dispatch"))).toEqual([]);
    });

    it("follows a redirect only to an endpoint the guard allows, re-checking each hop", async () => {
      const base = inject("fakeAnthropicUrl");
      const fakePort = new URL(base).port;
      const inside = encodeURIComponent(`http://localhost:${fakePort}/__tool/echo?mark=hop`);
      const same = encodeURIComponent(`${base}/__tool/echo?mark=kept`);
      scriptModel(({ opening, step, request }) => {
        if (opening !== "follow the redirects") return undefined;
        return step === 0
          ? toolCalls(request.model, [
              { id: "rd1", name: "bounce", input: { q: 1 } },
              { id: "rd2", name: "stay", input: { q: 2 } },
            ])
          : finalText(request.model, "followed");
      });
      const { client } = await openSession(token, undefined, {
        installed_tools: [
          {
            name: "bounce",
            description: "redirects to loopback",
            input_schema: { type: "object" },
            endpoint: `${base}/__tool/redirect/302?to=${inside}`,
          },
          {
            name: "stay",
            description: "redirects within its origin",
            input_schema: { type: "object" },
            endpoint: `${base}/__tool/redirect/307?to=${same}`,
            auth: { type: "bearer", token: "same-origin-token" },
          },
        ],
      });
      client.send({ type: "user_message", content: "follow the redirects" });
      const bounced = await client.next("tool_result", { where: (f) => f.name === "bounce" });
      expect(bounced).toMatchObject({ name: "bounce", is_error: true });
      expect(bounced.result).toMatch(
        /^sandbox_violation: bounce: endpoint refused: redirected to http:\/\/localhost/,
      );
      const stayed = await client.next("tool_result", { where: (f) => f.name === "stay" });
      expect(stayed).toMatchObject({ name: "stay", is_error: false });
      const echoed = JSON.parse(stayed.result) as {
        body: unknown;
        headers: Record<string, string>;
      };
      expect(echoed.body).toEqual({ q: 2 });
      expect(echoed.headers.authorization).toBe("Bearer same-origin-token");
      await client.next("assistant_message_end");
      const hits = await toolHits();
      expect(hits.filter((h) => h.includes("mark=hop"))).toEqual([]);
      expect(hits.filter((h) => h.includes("mark=kept"))).toHaveLength(1);
      client.close();
    });
  });
});
