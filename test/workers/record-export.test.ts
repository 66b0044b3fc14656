import { createExecutionContext, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { textToBase64 } from "../../src/core/base64.js";
import type { RecordEntry } from "../../src/core/record.js";
import worker from "../../src/index.js";
import type { ExportHeader } from "../../src/protocol/record-export.js";
import { serializeEntry } from "../../src/record/serialize-entry.js";
import { verifyExport } from "../../src/record/verify-export.js";
import {
  agentStub,
  bodyOf,
  call,
  createAgent,
  type ErrorResponse,
  getHead,
  getRecord,
  getVerify,
  mintToken,
  payloadText,
  randomAgentId,
  submitTx,
  waitFor,
  waitForHead,
  waitForTx,
} from "./helpers.js";
import { holdModelCalls } from "./model-spy.js";

const ORG = "org-export";
let token: string;

beforeAll(async () => {
  token = await mintToken({ org: ORG });
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** An agent with two finished turns and a trigger: 7 entries. */
async function agentWithHistory(): Promise<string> {
  const agentId = await createAgent(token, { name: "exported", system_prompt: "be brief" });
  for (const [kind, text] of [
    ["user_prompt", "one"],
    ["user_prompt", "two"],
    ["trigger", "t"],
  ] as const) {
    await waitForTx(token, agentId, await submitTx(token, { agent_id: agentId, kind, text }));
  }
  await waitForHead(token, agentId, 7);
  return agentId;
}

async function exportText(agentId: string, as = token): Promise<string> {
  const response = await call("GET", `/agents/${agentId}/export`, { token: as });
  expect(response.status).toBe(200);
  return new TextDecoder().decode(await response.arrayBuffer());
}

function importBody(body: string, as = token): Promise<Response> {
  return call("POST", "/agents/import", { token: as, rawBody: body });
}

/** The agents `GET /agents` lists for the test org. */
async function listedIds(): Promise<string[]> {
  const listed = await bodyOf<Array<{ agent_id: string }>>(await call("GET", "/agents", { token }));
  return listed.map((a) => a.agent_id);
}

/** The lines of an export, the trailing newline dropped. */
function linesOf(text: string): string[] {
  return text.replace(/\n$/, "").split("\n");
}

async function expectInvalidRecord(response: Response): Promise<ErrorResponse["error"]> {
  expect(response.status).toBe(400);
  const { error } = await bodyOf<ErrorResponse>(response);
  expect(error.code).toBe("invalid_record");
  return error;
}

describe("GET /agents/:id/export", () => {
  it("streams a header with the agent's metadata and window, then one entry per line", async () => {
    const agentId = await agentWithHistory();
    const response = await call("GET", `/agents/${agentId}/export`, { token });

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/x-ndjson");
    const lines = linesOf(new TextDecoder().decode(await response.arrayBuffer()));
    expect(lines).toHaveLength(8);
    const header = JSON.parse(lines[0] as string) as ExportHeader;
    const head = await getHead(token, agentId);
    expect(header).toMatchObject({
      format: "aura_record_export",
      version: 1,
      agent_id: agentId,
      status: "active",
      window_size: 50,
      head_seq: 7,
      head_hash: head.head_hash,
      settings: { name: "exported", system_prompt: "be brief" },
    });
    expect(lines.slice(1).map((l) => JSON.parse(l))).toEqual(await getRecord(token, agentId));
  });

  it("answers 404 for another org's agent, as every agent route does", async () => {
    const agentId = await agentWithHistory();
    const other = await mintToken({ org: "org-export-other" });

    const response = await call("GET", `/agents/${agentId}/export`, { token: other });

    expect(response.status).toBe(404);
    expect((await bodyOf<ErrorResponse>(response)).error.code).toBe("not_found");
  });
});

describe("POST /agents/import", () => {
  it("round trip: export, import and verify give an agent whose entries and hashes are the source's", async () => {
    // Given the export of an agent with 7 entries
    const source = await agentWithHistory();
    const text = await exportText(source);

    // When it is imported
    const response = await importBody(text);

    // Then a new agent of the caller's org holds the same entries, verifies, and so does the file
    expect(response.status).toBe(201);
    const { agent_id: imported } = await bodyOf<{ agent_id: string }>(response);
    expect(imported).not.toBe(source);
    const original = await getRecord(token, source);
    expect(await getRecord(token, imported)).toEqual(original);
    expect(await getHead(token, imported)).toMatchObject({
      head_seq: 7,
      head_hash: original[6]?.hash,
      status: "active",
    });
    expect(await getVerify(token, imported)).toEqual({ ok: true, head_seq: 7, checked: 7 });
    expect(await listedIds()).toContain(imported);
    expect(await verifyExport(new Blob([text]).stream())).toEqual({
      ok: true,
      agent_id: source,
      head_seq: 7,
      checked: 7,
    });
    // And the export of the import is the same record
    expect(linesOf(await exportText(imported)).slice(1)).toEqual(linesOf(text).slice(1));
  });

  it("gives an imported agent that carries on after the copied entries", async () => {
    const { agent_id: imported } = await bodyOf<{ agent_id: string }>(
      await importBody(await exportText(await agentWithHistory())),
    );

    const txId = await submitTx(token, { agent_id: imported, kind: "user_prompt", text: "three" });

    expect(await waitForTx(token, imported, txId)).toMatchObject({ status: "processed", seq: 8 });
    const entries = await getRecord(token, imported);
    expect(payloadText(entries[9] as RecordEntry)).toBe("Mock reply: three");
    expect(await getVerify(token, imported)).toMatchObject({ ok: true, head_seq: 10 });
  });

  it("reads the body as a stream, whatever its chunks", async () => {
    const text = await exportText(await agentWithHistory());
    const bytes = new TextEncoder().encode(text);
    let at = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= bytes.length) return controller.close();
        controller.enqueue(bytes.slice(at, at + 97));
        at += 97;
      },
    });
    const request = new Request("https://aura.test/agents/import", {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body,
      duplex: "half",
    } as RequestInit);

    const response = await exports.default.fetch(request);

    expect(response.status).toBe(201);
    const { agent_id } = await bodyOf<{ agent_id: string }>(response);
    expect(await getVerify(token, agent_id)).toEqual({ ok: true, head_seq: 7, checked: 7 });
  });

  it("finishes a turn the export leaves open from what it recorded, without calling the model", async () => {
    // Given the export of an agent paused after recording the model's answer, before its reply
    const source = await createAgent(token);
    const model = holdModelCalls();
    await submitTx(token, { agent_id: source, kind: "user_prompt", text: "half" });
    await waitFor("the model call", async () => (model.spy.mock.calls.length ? true : undefined));
    await call("POST", `/agents/${source}/pause`, { token });
    model.release();
    await waitForHead(token, source, 2);
    const text = await exportText(source);

    // When it is imported
    const { agent_id: imported } = await bodyOf<{ agent_id: string }>(await importBody(text));

    // Then the imported agent finishes that turn from the recorded answer
    await waitForHead(token, imported, 3);
    const entries = await getRecord(token, imported);
    expect(entries.map((e) => e.tx.tx_type)).toEqual(["user_prompt", "reasoning", "agent_msg"]);
    expect(payloadText(entries[2] as RecordEntry)).toBe("Mock reply: half");
    expect(model.spy).toHaveBeenCalledTimes(1);
    expect(await getVerify(token, imported)).toMatchObject({ ok: true, head_seq: 3 });
  });

  it("imports an agent whose record is empty", async () => {
    const source = await createAgent(token);

    const response = await importBody(await exportText(source));

    expect(response.status).toBe(201);
    const { agent_id } = await bodyOf<{ agent_id: string }>(response);
    expect(await getHead(token, agent_id)).toMatchObject({ head_seq: 0, status: "active" });
  });

  it("refuses a tampered export with 400 invalid_record naming the first bad seq, and creates nothing", async () => {
    // Given an export whose entry at seq 3 had its payload rewritten
    const lines = linesOf(await exportText(await agentWithHistory()));
    const entry = JSON.parse(lines[3] as string) as RecordEntry;
    expect(entry.seq).toBe(3);
    entry.tx.payload = textToBase64("rewritten history");
    lines[3] = JSON.stringify(entry);
    const before = await listedIds();

    // When it is imported
    const error = await expectInvalidRecord(await importBody(`${lines.join("\n")}\n`));

    // Then it is refused at seq 3 (line 4), and no agent was added
    expect(error.message).toMatch(/^line 4 \(seq 3\): hash_mismatch/);
    expect(error.details).toMatchObject({ line: 4, first_bad_seq: 3 });
    expect(await listedIds()).toEqual(before);
  });

  it("refuses an entry whose hash was altered, at that entry's seq", async () => {
    const lines = linesOf(await exportText(await agentWithHistory()));
    const entry = JSON.parse(lines[6] as string) as RecordEntry;
    entry.hash = entry.hash.replace(/^./, (c) => (c === "0" ? "1" : "0"));
    lines[6] = JSON.stringify(entry);

    const error = await expectInvalidRecord(await importBody(`${lines.join("\n")}\n`));

    expect(error.details).toMatchObject({ line: 7, first_bad_seq: 6 });
    expect(error.message).toMatch(/hash_mismatch/);
  });

  it("refuses a body that is not an export, naming line 1", async () => {
    const error = await expectInvalidRecord(await importBody("this is not json\n"));
    expect(error.message).toBe("line 1: malformed_header: not JSON");

    const empty = await expectInvalidRecord(await importBody(""));
    expect(empty.message).toBe("line 1: malformed_header: the body is empty");
  });

  it("refuses a truncated export: cut between lines (seq_gap) or inside one (not JSON)", async () => {
    const lines = linesOf(await exportText(await agentWithHistory()));
    const before = await listedIds();

    const cut = await expectInvalidRecord(await importBody(`${lines.slice(0, 5).join("\n")}\n`));
    expect(cut.message).toMatch(/^line 6 \(seq 5\): seq_gap: the export ends at seq 4/);

    const text = lines.join("\n");
    const mid = await expectInvalidRecord(await importBody(text.slice(0, text.length - 40)));
    expect(mid.message).toBe("line 8 (seq 7): malformed_entry: not JSON");
    expect(await listedIds()).toEqual(before);
  });

  it("refuses a body that says it is over 100 MiB with 413 payload_too_large, before reading it", async () => {
    const request = new Request("https://aura.test/agents/import", {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-length": String(101 * 1024 * 1024) },
      body: new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode("{}\n"));
          controller.close();
        },
      }),
      duplex: "half",
    } as RequestInit);

    // In-process: through the loopback a body shorter than its content-length breaks the pipe.
    const response = await worker.fetch(request, env, createExecutionContext());

    expect(response.status).toBe(413);
    const { error } = await bodyOf<ErrorResponse>(response);
    expect(error).toMatchObject({ code: "payload_too_large" });
    expect(error.message).toBe(`request body exceeds ${100 * 1024 * 1024} bytes`);
  });

  it("refuses a line that is JSON but not an entry, naming the field", async () => {
    const lines = linesOf(await exportText(await agentWithHistory()));
    lines[2] = JSON.stringify({ seq: 2, tx: {} });

    const error = await expectInvalidRecord(await importBody(lines.join("\n")));

    expect(error.message).toMatch(/^line 3 \(seq 2\): malformed_entry: tx\.hash: /);
  });
});

describe("an import's object", () => {
  it("is not an agent until finished, and a discard leaves its storage empty and usable", async () => {
    // Given an object holding the first entries of an import
    const entries = (await getRecord(token, await agentWithHistory())).slice(0, 3);
    const agentId = randomAgentId();
    const address = { org: ORG, agent_id: agentId };
    const stub = agentStub(ORG, agentId);
    expect(
      await stub.importStep({ type: "entries", ...address, entries: entries.map(serializeEntry) }),
    ).toEqual({ ok: true, agent_id: agentId });
    expect((await call("GET", `/agents/${agentId}/head`, { token })).status).toBe(404);

    // When the import is discarded
    expect(await stub.importStep({ type: "discard", ...address })).toEqual({
      ok: true,
      agent_id: agentId,
    });

    // Then nothing of it is stored, and the object can still be written to
    const rows = await runInDurableObject(stub, (_instance, state) => ({
      record: state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM record").one().n,
      agent: state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM agent").one().n,
    }));
    expect(rows).toEqual({ record: 0, agent: 0 });
    expect((await call("GET", `/agents/${agentId}/head`, { token })).status).toBe(404);
  });

  it("refuses entries that do not follow what it holds, and any step once the agent exists", async () => {
    const entries = (await getRecord(token, await agentWithHistory())).map(serializeEntry);
    const agentId = randomAgentId();
    const address = { org: ORG, agent_id: agentId };
    const stub = agentStub(ORG, agentId);

    const skipped = await stub.importStep({
      type: "entries",
      ...address,
      entries: entries.slice(1),
    });
    expect(skipped).toMatchObject({ ok: false, code: "conflict" });

    await stub.importStep({ type: "entries", ...address, entries: entries.slice(0, 2) });
    const early = await stub.importStep({
      type: "finish",
      ...address,
      settings: {},
      window_size: 50,
      head: { seq: 7, hash: entries[6]?.entry.hash as string },
      open_turn_seq: null,
      now: Date.now(),
    });
    expect(early).toMatchObject({ ok: false, code: "conflict" });
    await stub.importStep({ type: "entries", ...address, entries: entries.slice(2) });
    const finished = await stub.importStep({
      type: "finish",
      ...address,
      settings: {},
      window_size: 50,
      head: { seq: 7, hash: entries[6]?.entry.hash as string },
      open_turn_seq: null,
      now: Date.now(),
    });
    expect(finished).toEqual({ ok: true, agent_id: agentId });
    expect(await getVerify(token, agentId)).toEqual({ ok: true, head_seq: 7, checked: 7 });
    expect(await stub.importStep({ type: "discard", ...address })).toMatchObject({
      ok: false,
      code: "conflict",
    });
    expect(await getVerify(token, agentId)).toEqual({ ok: true, head_seq: 7, checked: 7 });
  });
});
