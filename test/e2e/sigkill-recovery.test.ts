import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { type FakeAnthropic, startFakeAnthropic } from "../../scripts/fake-anthropic/server.mjs";
import { textToBase64 } from "../../src/core/base64.js";
import { client, eventually, expectShape } from "./helpers/api.js";
import type { LocalStack } from "./helpers/local-stack.js";
import { acceptsConnections } from "./helpers/net.js";
import { stillRunning } from "./helpers/processes.js";
import { useStacks } from "./helpers/stacks.js";

const SECRET = "e2e-sigkill-secret-0123456789abcdefghijklm";
const API_KEY = "sk-e2e-sigkill";
const TOOL_USE_ID = "toolu_sigkill_1";
/** Appends one line, then runs long enough for the stack to be killed while it runs. */
const COMMAND = "echo ran >> side-effect.txt && sleep 60";

const { tempDataDir, start, stopAndCheck } = useStacks("aura-e2e-sigkill-");
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const Entry = z.object({
  seq: z.number(),
  tx: z.object({ tx_type: z.string(), payload: z.string() }),
});
const Entries = z.array(Entry);
type Entry = z.infer<typeof Entry>;

/** The JSON a record entry's payload carries. */
function payloadOf(entry: Entry): Record<string, unknown> {
  return JSON.parse(Buffer.from(entry.tx.payload, "base64").toString("utf8"));
}

/** Every `side-effect.txt` under the data dir's sandbox workspaces, with its content. */
function sideEffects(dataDir: string): string[] {
  const root = join(dataDir, "sandbox");
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, encoding: "utf8" })
    .filter((entry) => entry.endsWith("side-effect.txt"))
    .map((entry) => readFileSync(join(root, entry), "utf8"));
}

/** The stack of `dataDir`, its model the fake Anthropic API. */
function startStack(dataDir: string, fake: FakeAnthropic): Promise<LocalStack> {
  return start(dataDir, {
    AURA_JWT_SECRET: SECRET,
    AURA_ANTHROPIC_API_KEY: API_KEY,
    AURA_ANTHROPIC_BASE_URL: fake.url,
    AURA_ANTHROPIC_MODEL: "claude-e2e",
  });
}

/** SIGKILLs every process group of the stack at once, and waits until none runs. */
async function killWholeStack(stack: LocalStack): Promise<void> {
  const processes = stack.processes();
  stack.kill();
  expect(await stack.exited).toMatchObject({ signal: "SIGKILL" });
  await eventually(
    async () =>
      stillRunning({
        pids: processes.map((p) => p.pid),
        pgids: [...new Set(processes.map((p) => p.pgid))],
      }).length === 0 || undefined,
    { timeoutMs: 20_000 },
  );
  // The kernel may release the listening socket a moment after the last process is gone.
  await eventually(async () => ((await acceptsConnections(stack.port)) ? undefined : true), {
    timeoutMs: 10_000,
  });
}

describe("the whole stack SIGKILLed in the middle of a tool call", () => {
  it("recovers on restart with the same data: the turn completes, the record verifies, and the tool ran once", async () => {
    // Given a stack whose model asks for a command that appends a line, then sleeps
    const fake = await startFakeAnthropic({ apiKey: API_KEY });
    cleanups.push(() => fake.close());
    fake.script([
      {
        kind: "reply",
        content: [
          { type: "tool_use", id: TOOL_USE_ID, name: "run_command", input: { command: COMMAND } },
        ],
        stop_reason: "tool_use",
      },
      { kind: "reply", content: [{ type: "text", text: "recovered" }] },
    ]);
    const dataDir = tempDataDir();
    const first = await startStack(dataDir, fake);
    const api = client(first.url, first.token);
    const created = await api.post("/agents", { name: "sigkill" });
    const { agent_id } = expectShape(z.object({ agent_id: z.string() }), created.body);
    const sent = await api.post("/tx", {
      agent_id,
      kind: "user_prompt",
      payload: textToBase64("append a line"),
    });
    expect(sent.status).toBe(202);
    const { tx_id } = expectShape(z.object({ tx_id: z.string() }), sent.body);

    // When the command has run its side effect and is still running, every process of the
    // stack is killed with SIGKILL
    await eventually(async () => (sideEffects(dataDir).length > 0 ? true : undefined), {
      timeoutMs: 60_000,
    });
    const before = await api.get(`/tx/status/${agent_id}/${tx_id}`);
    expect(before.body).toMatchObject({ status: "pending" });
    await killWholeStack(first);
    expect(sideEffects(dataDir)).toEqual(["ran\n"]);

    // And the stack starts again on the same data dir
    const second = await startStack(dataDir, fake);
    const again = client(second.url, second.token);

    // Then the turn is finished from its record: the interrupted call is recorded once,
    // as an unknown outcome (never run again), and the model's answer ends the turn
    const status = await eventually(
      async () => {
        const res = await again.get(`/tx/status/${agent_id}/${tx_id}`);
        const { status } = expectShape(z.object({ status: z.string() }), res.body);
        return status === "pending" ? undefined : status;
      },
      { timeoutMs: 90_000, intervalMs: 250 },
    );
    expect(status).toBe("processed");
    const record = expectShape(
      Entries,
      (await again.get(`/agents/${agent_id}/record?limit=100`)).body,
    );
    const executions = record.filter((e) => e.tx.tx_type === "tool_execution").map(payloadOf);
    expect(executions).toHaveLength(1);
    expect(executions[0]).toMatchObject({
      tool_use_id: TOOL_USE_ID,
      tool: "run_command",
      is_error: true,
      result: { metadata: { error_code: "io_error", outcome_unknown: true } },
    });
    expect(record.at(-1)?.tx.tx_type).toBe("agent_msg");
    const verify = await again.get(`/agents/${agent_id}/verify`);
    expect(verify.body).toMatchObject({ ok: true, head_seq: record.length });

    // And the command's side effect happened once
    expect(sideEffects(dataDir)).toEqual(["ran\n"]);
    const file = await again.get(`/api/read-file?agent_id=${agent_id}&path=side-effect.txt`);
    expect(file.body).toMatchObject({ ok: true, content: "ran\n" });
    await stopAndCheck(second);
  }, 240_000);
});
