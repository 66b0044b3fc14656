import { runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { RecordEntry } from "../../src/core/record.js";
import {
  agentStub,
  bodyOf,
  call,
  createAgent,
  evictAgents,
  getRecord,
  getVerify,
  mintToken,
  payloadJson,
  payloadText,
  readWorkspaceFile,
  submitTx,
  waitFor,
  waitForTx,
} from "./helpers.js";
import { finalText, scriptModel, toolCalls } from "./scripted-model.js";

const ORG = "org-tools";
let token: string;

beforeAll(async () => {
  token = await mintToken({ org: ORG, sub: "ann" });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("a turn with tools", () => {
  it("writes, edits, reads and runs a command in the sandbox, recording intent before and outcome after each call", async () => {
    // Given a model that writes a file, edits it, reads it back and counts its bytes
    const requests = scriptModel(({ opening, step, request }) => {
      if (opening !== "make notes") return undefined;
      const m = request.model;
      if (step === 0)
        return toolCalls(m, [
          {
            id: "w1",
            name: "write_file",
            input: { path: "notes/a.txt", content: "hello world\n" },
          },
        ]);
      if (step === 1)
        return toolCalls(m, [
          {
            id: "e1",
            name: "edit_file",
            input: { path: "notes/a.txt", old_text: "world", new_text: "aura" },
          },
        ]);
      if (step === 2)
        return toolCalls(m, [
          { id: "r1", name: "read_file", input: { path: "notes/a.txt" } },
          { id: "c1", name: "run_command", input: { command: "wc -c < notes/a.txt" } },
        ]);
      return finalText(m, "notes made");
    });
    const agentId = await createAgent(token);

    // When a prompt starts the turn
    const txId = await submitTx(token, {
      agent_id: agentId,
      kind: "user_prompt",
      text: "make notes",
    });
    expect((await waitForTx(token, agentId, txId)).status).toBe("processed");

    // Then every call has a proposal (approved) before its execution, in the model's order
    const entries = await getRecord(token, agentId);
    expect(entries.map((e) => e.tx.tx_type)).toEqual([
      "user_prompt",
      "reasoning",
      "tool_proposal",
      "tool_execution",
      "reasoning",
      "tool_proposal",
      "tool_execution",
      "reasoning",
      "tool_proposal",
      "tool_execution",
      "tool_proposal",
      "tool_execution",
      "reasoning",
      "agent_msg",
    ]);
    const executions = entries.filter((e) => e.tx.tx_type === "tool_execution").map(payloadJson);
    expect(executions.map((e) => [e.tool, e.decision, e.is_error])).toEqual([
      ["write_file", "approved", false],
      ["edit_file", "approved", false],
      ["read_file", "approved", false],
      ["run_command", "approved", false],
    ]);
    expect(executions[0]?.files_changed).toEqual({
      created: ["notes/a.txt"],
      modified: [],
      deleted: [],
    });
    expect(executions[1]?.files_changed).toEqual({
      created: [],
      modified: ["notes/a.txt"],
      deleted: [],
    });
    const proposals = entries.filter((e) => e.tx.tx_type === "tool_proposal");
    // The dispatch's idempotency key is its proposal's transaction id
    expect(executions.map((e) => e.action_id)).toEqual(proposals.map((p) => p.tx.hash));
    expect(payloadText(entries.at(-1) as RecordEntry)).toBe("notes made");
    // And the turn's reply records why it stopped and which files it changed, which the
    // transaction's status reports
    expect(entries.at(-1)?.proposals.trace).toMatchObject({
      turn: {
        stop_reason: "end_turn",
        files_changed: { created: ["notes/a.txt"], modified: ["notes/a.txt"], deleted: [] },
      },
    });
    const status = await bodyOf(await call("GET", `/tx/status/${agentId}/${txId}`, { token }));
    expect(status).toMatchObject({
      status: "processed",
      files_changed: { created: ["notes/a.txt"], modified: ["notes/a.txt"], deleted: [] },
    });

    // And the model saw each result: the file as edited, and the command's output
    const last = requests.at(-1)!;
    const results = last.messages.flatMap((m) => m.content).filter((b) => b.type === "tool_result");
    expect(results.map((r) => r.type === "tool_result" && r.content)).toEqual([
      expect.stringContaining("notes/a.txt"),
      expect.anything(),
      "hello aura\n",
      "11\n",
    ]);

    // And the file is on the sandbox's disk, in the agent's workspace
    const file = await readWorkspaceFile(token, agentId, "notes/a.txt");
    expect(await bodyOf(file)).toEqual({ ok: true, content: "hello aura\n", path: "notes/a.txt" });
    const tree = await call("GET", `/api/files?agent_id=${agentId}`, { token });
    expect(await bodyOf(tree)).toMatchObject({
      ok: true,
      entries: [{ name: "notes", is_dir: true, children: [{ name: "a.txt", is_dir: false }] }],
    });
    expect(await getVerify(token, agentId)).toMatchObject({ ok: true });
  });

  it("records a call the policy denies as rejected, never runs it, and gives the model an error result", async () => {
    const requests = scriptModel(({ opening, step, request }) => {
      if (opening !== "try a command") return undefined;
      if (step === 0)
        return toolCalls(request.model, [
          { id: "c1", name: "run_command", input: { command: "touch ran.txt" } },
        ]);
      return finalText(request.model, "could not");
    });
    const agentId = await createAgent(token, { policy: { tools: { run_command: "deny" } } });
    const txId = await submitTx(token, {
      agent_id: agentId,
      kind: "user_prompt",
      text: "try a command",
    });
    await waitForTx(token, agentId, txId);

    const entries = await getRecord(token, agentId);
    const proposal = payloadJson(entries.find((e) => e.tx.tx_type === "tool_proposal")!);
    const execution = payloadJson(entries.find((e) => e.tx.tx_type === "tool_execution")!);
    expect(proposal).toMatchObject({ decision: "denied", reason: "policy denies run_command" });
    expect(execution).toMatchObject({ decision: "denied", is_error: true });
    const result = requests
      .at(-1)!
      .messages.flatMap((m) => m.content)
      .find((b) => b.type === "tool_result");
    expect(result).toMatchObject({
      is_error: true,
      content: "tool_disabled: policy denies run_command",
    });
    const file = await bodyOf<{ ok: boolean }>(await readWorkspaceFile(token, agentId, "ran.txt"));
    expect(file.ok).toBe(false);
  });

  it("refuses invalid arguments from the model, naming the field, without dispatching", async () => {
    scriptModel(({ opening, step, request }) => {
      if (opening !== "bad args") return undefined;
      if (step === 0)
        return toolCalls(request.model, [{ id: "r1", name: "read_file", input: { path: 7 } }]);
      return finalText(request.model, "ok");
    });
    const agentId = await createAgent(token);
    const txId = await submitTx(token, {
      agent_id: agentId,
      kind: "user_prompt",
      text: "bad args",
    });
    await waitForTx(token, agentId, txId);
    const entries = await getRecord(token, agentId);
    const execution = payloadJson(entries.find((e) => e.tx.tx_type === "tool_execution")!);
    expect(execution).toMatchObject({ decision: "denied", is_error: true });
    expect(String(execution.reason)).toMatch(/^invalid_arguments: path: /);
  });
});

describe("workspaces", () => {
  it("keeps each agent in its own workspace: another agent's file is neither found nor reachable by path", async () => {
    scriptModel(({ opening, step, request }) => {
      const m = request.model;
      if (opening === "keep a secret") {
        return step === 0
          ? toolCalls(m, [
              { id: "s1", name: "write_file", input: { path: "secret.txt", content: "s3cret" } },
            ])
          : finalText(m, "kept");
      }
      if (opening.startsWith("peek ")) {
        return step === 0
          ? toolCalls(m, [{ id: "p1", name: "read_file", input: { path: opening.slice(5) } }])
          : finalText(m, "peeked");
      }
      return undefined;
    });
    const owner = await createAgent(token);
    await waitForTx(
      token,
      owner,
      await submitTx(token, { agent_id: owner, kind: "user_prompt", text: "keep a secret" }),
    );
    const other = await createAgent(token);
    for (const path of ["secret.txt", `../${"0".repeat(64)}/secret.txt`, "/etc/passwd"]) {
      const txId = await submitTx(token, {
        agent_id: other,
        kind: "user_prompt",
        text: `peek ${path}`,
      });
      await waitForTx(token, other, txId);
    }
    const executions = (await getRecord(token, other))
      .filter((e) => e.tx.tx_type === "tool_execution")
      .map(payloadJson);
    expect(
      executions.map((e) => (e.result as { metadata: { error_code: string } }).metadata.error_code),
    ).toEqual(["path_not_found", "sandbox_violation", "sandbox_violation"]);

    // And the files routes refuse another org's token for the owner's agent
    const stranger = await mintToken({ org: "org-tools-stranger" });
    expect((await readWorkspaceFile(stranger, owner, "secret.txt")).status).toBe(404);
    expect((await readWorkspaceFile(token, owner, "secret.txt")).status).toBe(200);
  });
});

describe("a dispatch interrupted by an eviction", () => {
  it("is re-sent with the same key after the eviction and runs once", async () => {
    // Given a turn whose command takes a moment and appends a line each time it runs
    scriptModel(({ opening, step, request }) => {
      if (opening !== "append once") return undefined;
      return step === 0
        ? toolCalls(request.model, [
            {
              id: "once1",
              name: "run_command",
              input: { command: "sleep 0.5; echo ran >> runs.log" },
            },
          ])
        : finalText(request.model, "appended");
    });
    const agentId = await createAgent(token);
    const txId = await submitTx(token, {
      agent_id: agentId,
      kind: "user_prompt",
      text: "append once",
    });

    // When the object is evicted while the sandbox runs the command (its proposal is
    // committed, its outcome not), and the alarm resumes the turn
    await waitFor("the approved proposal", async () => {
      const last = (await getRecord(token, agentId)).at(-1);
      return last?.tx.tx_type === "tool_proposal" ? true : undefined;
    });
    await evictAgents();
    await runDurableObjectAlarm(agentStub(ORG, agentId));

    // Then the turn finishes, the call is recorded once, and the command ran once
    expect((await waitForTx(token, agentId, txId)).status).toBe("processed");
    const entries = await getRecord(token, agentId);
    expect(entries.filter((e) => e.tx.tx_type === "tool_execution")).toHaveLength(1);
    const log = await bodyOf<{ ok: boolean; content: string }>(
      await readWorkspaceFile(token, agentId, "runs.log"),
    );
    expect(log).toMatchObject({ ok: true, content: "ran\n" });
    expect(await getVerify(token, agentId)).toMatchObject({ ok: true });
  });
});
