import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { startFakeAnthropic } from "../../scripts/fake-anthropic/server.mjs";
import { holdsOpen, objectFiles } from "../../scripts/lib/open-files.mjs";
import { client, expectShape } from "./helpers/api.js";
import { type LocalStack, startLocalStack } from "./helpers/local-stack.js";
import { freePort } from "./helpers/net.js";
import { commandLineOf } from "./helpers/processes.js";
import { connectStream } from "./helpers/stream-socket.js";

const SECRET = "e2e-stream-secret-0123456789abcdefghijklmn";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** How long workerd gets, past its 10 s idle time, to be seen evicting an object. */
const EVICTION_DEADLINE_MS = 40_000;

/** The process of `stack` that holds `file` open: workerd, with the object in memory. */
function holderOf(stack: LocalStack, file: string): number {
  const holders = stack.processes().filter((p) => holdsOpen(p.pid, file) === true);
  expect(holders).toHaveLength(1);
  expect(commandLineOf(holders[0]!.pid)).toMatch(/\bworkerd\b/);
  return holders[0]!.pid;
}

/**
 * Waits until workerd no longer holds `file` open: the object is evicted, not merely idle.
 * Fails when that cannot be observed or does not happen within {@link EVICTION_DEADLINE_MS}.
 */
async function waitForEviction(workerd: number, file: string): Promise<number> {
  const started = Date.now();
  for (;;) {
    const open = holdsOpen(workerd, file);
    expect(open, "workerd's open files must be readable (/proc)").not.toBeUndefined();
    if (open === false) return Date.now() - started;
    if (Date.now() - started > EVICTION_DEADLINE_MS) {
      throw new Error(`workerd still holds ${file} open after ${EVICTION_DEADLINE_MS} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A `/stream` client of `stack`, closed after the test. */
async function connect(stack: LocalStack, agentId?: string) {
  const socket = await connectStream(stack.url, stack.token, agentId);
  cleanups.push(() => socket.close());
  return socket;
}

describe("/stream against the running stack", () => {
  it("streams a whole turn with a tool call that a client approves, then continues on the same socket after the object hibernates", async () => {
    // Given the stack in strict mode, its model a fake Anthropic API speaking SSE
    const fake = await startFakeAnthropic({ apiKey: "sk-e2e-stream" });
    cleanups.push(() => fake.close());
    fake.script([
      {
        kind: "reply",
        content: [
          { type: "text", text: "I will write the file." },
          {
            type: "tool_use",
            id: "toolu_e2e_1",
            name: "run_command",
            input: { command: "echo streamed > proof.txt && cat proof.txt" },
          },
        ],
        stop_reason: "tool_use",
      },
      { kind: "reply", content: [{ type: "text", text: "Done: the file says streamed." }] },
      { kind: "reply", content: [{ type: "text", text: "You asked me to write a file." }] },
    ]);
    const dataDir = mkdtempSync(join(tmpdir(), "aura-e2e-stream-"));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const stack = await startLocalStack({
      port: await freePort(),
      dataDir,
      env: {
        AURA_JWT_SECRET: SECRET,
        AURA_POLICY: "strict",
        AURA_ANTHROPIC_API_KEY: "sk-e2e-stream",
        AURA_ANTHROPIC_BASE_URL: fake.url,
        AURA_ANTHROPIC_MODEL: "claude-e2e",
      },
    });
    cleanups.push(async () => {
      await stack.stop();
    });

    // When a client opens a session and asks for the work
    const socket = await connect(stack);
    socket.send({ type: "session_init", system_prompt: "You write files." });
    const ready = await socket.next("session_ready");
    socket.send({ type: "user_message", content: "write proof.txt" });

    // Then it streams the model's text, the tool call, and asks for approval
    const start = await socket.next("assistant_message_start");
    const delta = await socket.next("text_delta");
    expect(delta.text.length).toBeGreaterThan(0);
    expect(await socket.next("tool_use_start")).toMatchObject({
      id: "toolu_e2e_1",
      name: "run_command",
    });
    const ask = await socket.next("approval_request");
    expect(ask).toMatchObject({ tool_use_id: "toolu_e2e_1", tool: "run_command" });

    // And once the client approves, the command runs in the sandbox and the turn ends
    socket.send({ type: "approval_response", tool_use_id: "toolu_e2e_1", approved: true });
    const result = await socket.next("tool_result");
    expect(result).toMatchObject({ tool_use_id: "toolu_e2e_1", is_error: false });
    expect(result.result).toBe("streamed\n");
    const end = await socket.next("assistant_message_end");
    expect(end).toMatchObject({ message_id: start.message_id, stop_reason: "end_turn" });
    expect(end.usage.provider).toBe("anthropic");
    const streamedText = socket.frames
      .filter((f) => f.type === "text_delta")
      .map((f) => (f.type === "text_delta" ? f.text : ""))
      .join("");
    expect(streamedText).toBe("I will write the file.Done: the file says streamed.");
    const api = client(stack.url, stack.token);
    const file = await api.get(`/api/read-file?agent_id=${ready.agent_id}&path=proof.txt`);
    expect(file.body).toEqual({ ok: true, content: "streamed\n", path: "proof.txt" });

    // When the socket stays idle until workerd evicts the object (10 s without events: the
    // object hibernates, the socket stays connected), seen as workerd closing the agent's
    // SQLite file, which it held open while the object was in memory
    // (a fresh data dir: the only AgentDO file is this agent's)
    const agentFiles = [...objectFiles(join(dataDir, "state"))].filter((f) =>
      f.includes("AgentDO"),
    );
    expect(agentFiles).toHaveLength(1);
    const agentFile = agentFiles[0]!;
    const workerd = holderOf(stack, agentFile);
    await waitForEviction(workerd, agentFile);
    expect(socket.isOpen()).toBe(true);
    const from = socket.frames.length;
    socket.send({ type: "user_message", content: "what did I ask?" });

    // Then the woken object (its file open again) answers on the same socket, with the whole
    // conversation
    const next = await socket.next("assistant_message_end", from);
    expect(next.stop_reason).toBe("end_turn");
    expect(holdsOpen(workerd, agentFile)).toBe(true);
    const lastCall = fake.requests().at(-1);
    const messages = (lastCall?.body as { messages: Array<{ role: string }> }).messages;
    expect(messages.length).toBeGreaterThanOrEqual(5);
    expect((lastCall?.body as { system: unknown }).system).toBeTruthy();
    const verify = await api.get(`/agents/${ready.agent_id}/verify`);
    expect(verify.body).toMatchObject({ ok: true });
  }, 120_000);

  // This lives here, not in the Workers tier: there the pool wraps each Durable Object event
  // handler in its own `await` (it imports the module first), so handlers of frames that
  // arrive together start in no particular order. workerd itself starts them in order.
  it("handles a socket's frames in the order they were sent, relayed or direct: a message right behind session_init is answered", async () => {
    // Given the stack with its mock reasoner, and an agent a client can name
    const dataDir = mkdtempSync(join(tmpdir(), "aura-e2e-order-"));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const stack = await startLocalStack({
      port: await freePort(),
      dataDir,
      env: { AURA_JWT_SECRET: SECRET },
    });
    cleanups.push(async () => {
      await stack.stop();
    });
    const api = client(stack.url, stack.token);
    const created = await api.post("/agents", { name: "order" });
    const { agent_id } = expectShape(z.object({ agent_id: z.string() }), created.body);

    for (let round = 0; round < 8; round++) {
      for (const target of [undefined, agent_id]) {
        // When a client sends session_init and a user_message back to back
        const socket = await connectStream(stack.url, stack.token, target);
        socket.send({ type: "session_init", system_prompt: "quick" });
        socket.send({ type: "user_message", content: `right away ${round}` });

        // Then the turn runs, and nothing is refused
        const end = await socket.next("assistant_message_end");
        expect(end.stop_reason).toBe("end_turn");
        expect(socket.frames.filter((f) => f.type === "error")).toEqual([]);
        socket.close();
      }
    }

    // And a cancel while idle and an approval that answers nothing, sent right before a
    // message, are ignored: the message's turn runs to its end
    const socket = await connectStream(stack.url, stack.token, agent_id);
    socket.send({ type: "session_init" });
    await socket.next("session_ready");
    const from = socket.frames.length;
    socket.send({ type: "cancel" });
    socket.send({ type: "approval_response", tool_use_id: "nothing", approved: true });
    socket.send({ type: "user_message", content: "after the noise" });
    expect((await socket.next("assistant_message_end", from)).stop_reason).toBe("end_turn");
    expect(socket.frames.filter((f) => f.type === "error")).toEqual([]);
    socket.close();
  }, 120_000);
});
