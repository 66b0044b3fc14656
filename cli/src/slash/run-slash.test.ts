import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { HttpClient } from "../api/http-client.js";
import { runSlash } from "./run-slash.js";

const AGENT = "a".repeat(64);
const OTHER = "ab".repeat(32);
const HASH = "b".repeat(64);

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** An API whose routes answer from `routes` (`"METHOD /path"` → body), 404 otherwise. */
function fakeApi(routes: Record<string, unknown>) {
  const calls: string[] = [];
  const fetchImpl = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(String(input));
    const key = `${init.method ?? "GET"} ${url.pathname}`;
    calls.push(key);
    if (!(key in routes)) {
      return new Response(JSON.stringify({ error: { code: "not_found", message: key } }), {
        status: 404,
      });
    }
    return new Response(JSON.stringify(routes[key]), { status: 200 });
  }) as typeof fetch;
  return { api: new HttpClient("http://aura.test", "tok", fetchImpl), calls };
}

const head = (seq: number) => ({
  agent_id: AGENT,
  head_seq: seq,
  head_hash: HASH,
  status: "active",
});

describe("runSlash", () => {
  it("/verify says ok with the head seq, or the first bad seq and why", async () => {
    const good = fakeApi({
      [`GET /agents/${AGENT}/verify`]: { ok: true, head_seq: 7, checked: 7 },
    });
    expect(await runSlash("verify", [], { api: good.api, agentId: AGENT })).toEqual({
      kind: "lines",
      lines: ["ok (head seq 7, 7 checked)"],
    });
    const bad = fakeApi({
      [`GET /agents/${AGENT}/verify`]: {
        ok: false,
        head_seq: 7,
        checked: 3,
        first_bad_seq: 3,
        reason: "hash_mismatch: entry 3",
      },
    });
    expect(await runSlash("verify", [], { api: bad.api, agentId: AGENT })).toEqual({
      kind: "lines",
      lines: ["bad at seq 3: hash_mismatch: entry 3"],
      tone: "error",
    });
  });

  it("/approve with no id answers the oldest waiting tool call", async () => {
    const { api, calls } = fakeApi({
      [`GET /agents/${AGENT}/approvals`]: {
        agent_id: AGENT,
        approvals: [
          { tool_use_id: "toolu_old", tool: "run_command", args: {}, reason: "strict" },
          { tool_use_id: "toolu_new", tool: "write_file", args: {}, reason: "strict" },
        ],
      },
      [`POST /agents/${AGENT}/approvals/toolu_old`]: {
        agent_id: AGENT,
        tool_use_id: "toolu_old",
        approved: true,
        seq: 5,
      },
    });
    expect(await runSlash("approve", [], { api, agentId: AGENT })).toEqual({
      kind: "lines",
      lines: ["approved toolu_old (seq 5)"],
    });
    expect(calls).toContain(`POST /agents/${AGENT}/approvals/toolu_old`);
  });

  it("/fork with no seq forks at the head", async () => {
    const { api, calls } = fakeApi({
      [`GET /agents/${AGENT}/head`]: head(4),
      [`POST /agents/${AGENT}/fork`]: { agent_id: OTHER },
    });
    const result = await runSlash("fork", [], { api, agentId: AGENT });
    expect(result).toMatchObject({
      kind: "lines",
      lines: [`forked at seq 4: ${OTHER}`, expect.any(String)],
    });
    expect(calls).toEqual([`GET /agents/${AGENT}/head`, `POST /agents/${AGENT}/fork`]);
  });

  it("/attach takes a unique prefix and asks the front end to switch agents", async () => {
    const row = { head_seq: 1, status: "active", created_at: 1 };
    const { api } = fakeApi({
      "GET /agents": [
        { ...row, agent_id: AGENT },
        { ...row, agent_id: OTHER },
      ],
    });
    expect(await runSlash("attach", ["aaa"], { api, agentId: OTHER })).toEqual({
      kind: "action",
      action: "attach",
      agent_id: AGENT,
    });
    expect(await runSlash("attach", ["a"], { api, agentId: OTHER })).toMatchObject({
      tone: "error",
      lines: ["a names 2 agents; give more of the id"],
    });
  });

  it("/cat shows a file's lines, and the sandbox's reason when it cannot", async () => {
    const ok = fakeApi({ "GET /api/read-file": { ok: true, content: "one\ntwo", path: "a.txt" } });
    expect(await runSlash("cat", ["a.txt"], { api: ok.api, agentId: AGENT })).toEqual({
      kind: "lines",
      lines: ["one", "two"],
    });
    const missing = fakeApi({ "GET /api/read-file": { ok: false, error: "not_found: a.txt" } });
    expect(await runSlash("cat", ["a.txt"], { api: missing.api, agentId: AGENT })).toEqual({
      kind: "lines",
      lines: ["not_found: a.txt"],
      tone: "error",
    });
  });

  it("turns an API failure into one error line with its code, never a throw", async () => {
    const { api } = fakeApi({});
    expect(await runSlash("status", [], { api, agentId: AGENT })).toEqual({
      kind: "lines",
      lines: [`not_found: GET /agents/${AGENT}/head`],
      tone: "error",
    });
  });

  it("asks to log in when there is no server, and for an agent when there is none yet", async () => {
    expect(await runSlash("agents", [], { api: undefined, agentId: undefined })).toMatchObject({
      tone: "error",
      lines: ["not logged in: /login --local or /login URL TOKEN"],
    });
    const { api } = fakeApi({});
    expect(await runSlash("verify", [], { api, agentId: undefined })).toMatchObject({
      tone: "error",
    });
  });

  it("/login URL TOKEN saves the server and tells the front end the credentials changed", async () => {
    const home = mkdtempSync(join(tmpdir(), "aura-slash-"));
    dirs.push(home);
    const env = { AURA_HOME: home };
    const result = await runSlash("login", ["http://aura.test", "tok", "lab"], {
      api: undefined,
      agentId: undefined,
      env,
    });
    expect(result).toEqual({
      kind: "action",
      action: "credentials_changed",
      lines: ["logged in to lab (http://aura.test)"],
    });
    expect(JSON.parse(readFileSync(join(home, "credentials.json"), "utf8"))).toEqual({
      current: "lab",
      servers: { lab: { url: "http://aura.test", token: "tok" } },
    });
  });

  it("/record, /swarm, /quit and /clear are actions for the front end", async () => {
    const ctx = { api: undefined, agentId: undefined };
    expect(await runSlash("record", [], ctx)).toEqual({ kind: "action", action: "toggle_record" });
    expect(await runSlash("swarm", [], ctx)).toEqual({ kind: "action", action: "toggle_swarm" });
    expect(await runSlash("quit", [], ctx)).toEqual({ kind: "action", action: "quit" });
    expect(await runSlash("clear", [], ctx)).toEqual({ kind: "action", action: "clear" });
  });

  it("/diff lists the last turn's created, modified and deleted files", async () => {
    const ctx = {
      api: undefined,
      agentId: AGENT,
      lastFilesChanged: { created: ["a.txt"], modified: ["b.txt"], deleted: ["c.txt"] },
    };
    expect(await runSlash("diff", [], ctx)).toEqual({
      kind: "lines",
      lines: ["+ a.txt", "~ b.txt", "- c.txt"],
    });
  });
});
