import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { RecordEntry } from "../../../src/core/record.js";
import { HttpClient } from "../api/http-client.js";
import { writeCredentials } from "../config/credentials.js";
import { type JsonServer, serveJson } from "../testing/json-server.js";
import { AGENT_COLUMNS, runSlash } from "./run-slash.js";

const AGENT = "a".repeat(64);
const OTHER = "ab".repeat(32);
const HASH = "b".repeat(64);

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * An API whose routes answer from `routes` (`"METHOD /path"` → body), 404 otherwise; `calls`
 * has each request's key, `requests` its query and JSON body too.
 */
function fakeApi(routes: Record<string, unknown>) {
  const calls: string[] = [];
  const requests: Array<{ key: string; query: Record<string, string>; body: unknown }> = [];
  const fetchImpl = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(String(input));
    const key = `${init.method ?? "GET"} ${url.pathname}`;
    calls.push(key);
    const body = typeof init.body === "string" ? JSON.parse(init.body) : undefined;
    requests.push({ key, query: Object.fromEntries(url.searchParams), body });
    if (!(key in routes)) {
      return new Response(JSON.stringify({ error: { code: "not_found", message: key } }), {
        status: 404,
      });
    }
    return new Response(JSON.stringify(routes[key]), { status: 200 });
  }) as typeof fetch;
  return { api: new HttpClient("http://aura.test", "tok", fetchImpl), calls, requests };
}

/** A fresh `AURA_HOME`, removed after the test. */
function tempHome(): { home: string; env: NodeJS.ProcessEnv } {
  const home = mkdtempSync(join(tmpdir(), "aura-slash-"));
  dirs.push(home);
  return { home, env: { AURA_HOME: home } };
}

const servers: JsonServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** An unsigned JWT with `claims` (the client reads claims; only the server verifies). */
function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "HS256", typ: "JWT" })}.${part(claims)}.c2lnbmF0dXJl`;
}

/** A record entry of `type` whose payload is `text`, in the shape the record route sends. */
function textEntry(seq: number, type: RecordEntry["tx"]["tx_type"], text: string): RecordEntry {
  return {
    seq,
    tx: {
      hash: HASH,
      agent_id: AGENT,
      ts_ms: 1,
      tx_type: type,
      payload: Buffer.from(text).toString("base64"),
    },
    kernel_version: 1,
    context_hash: HASH,
    proposals: { proposals: [] },
    decision: { accepted_action_ids: [], rejected: [] },
    actions: [],
    effects: [],
    prev_hash: HASH,
    hash: HASH,
  };
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

  it("/files lists the workspace tree two spaces deeper per level, folders ending in /", async () => {
    const { api, requests } = fakeApi({
      "GET /api/files": {
        ok: true,
        entries: [
          {
            name: "notes",
            path: "notes",
            is_dir: true,
            children: [
              { name: "a.md", path: "notes/a.md", is_dir: false },
              {
                name: "deep",
                path: "notes/deep",
                is_dir: true,
                children: [{ name: "b.md", path: "notes/deep/b.md", is_dir: false }],
              },
            ],
          },
          { name: "hello.txt", path: "hello.txt", is_dir: false },
        ],
      },
    });
    expect(await runSlash("files", [], { api, agentId: AGENT })).toEqual({
      kind: "lines",
      lines: ["notes/", "  a.md", "  deep/", "    b.md", "hello.txt"],
    });
    expect(requests[0]?.query).toEqual({ agent_id: AGENT, path: ".", depth: "3" });
  });

  it("/files says so for an empty workspace, and gives the sandbox's reason when it cannot list", async () => {
    const empty = fakeApi({ "GET /api/files": { ok: true, entries: [] } });
    expect(await runSlash("files", [], { api: empty.api, agentId: AGENT })).toEqual({
      kind: "lines",
      lines: ["the workspace is empty"],
    });
    const down = fakeApi({ "GET /api/files": { ok: false, error: "unavailable: no sandbox" } });
    expect(await runSlash("files", [], { api: down.api, agentId: AGENT })).toEqual({
      kind: "lines",
      lines: ["unavailable: no sandbox"],
      tone: "error",
    });
  });

  it("/history prints the last 10 of 12 messages by default, each with its seq and who said it, other entries left out", async () => {
    const entries = [textEntry(1, "session_start", "{}")];
    for (let i = 0; i < 6; i++) {
      entries.push(textEntry(2 + 3 * i, "user_prompt", `question ${i}`));
      entries.push(textEntry(3 + 3 * i, "reasoning", "{}"));
      entries.push(textEntry(4 + 3 * i, "agent_msg", `answer  ${i}\nsecond line`));
    }
    const { api, requests } = fakeApi({
      [`GET /agents/${AGENT}/head`]: head(19),
      [`GET /agents/${AGENT}/record`]: entries,
    });
    const result = await runSlash("history", [], { api, agentId: AGENT });
    expect(result).toEqual({
      kind: "lines",
      lines: [
        "#5 you: question 1",
        "#7 agent: answer 1 second line",
        "#8 you: question 2",
        "#10 agent: answer 2 second line",
        "#11 you: question 3",
        "#13 agent: answer 3 second line",
        "#14 you: question 4",
        "#16 agent: answer 4 second line",
        "#17 you: question 5",
        "#19 agent: answer 5 second line",
      ],
    });
    expect(requests.find((r) => r.key.endsWith("/record"))?.query).toMatchObject({
      from_seq: "1",
    });
  });

  it("/history n prints the last n messages, and refuses an n that is not a positive whole number", async () => {
    const entries = [
      textEntry(1, "user_prompt", "one"),
      textEntry(2, "agent_msg", "two"),
      textEntry(3, "user_prompt", "three"),
      textEntry(4, "agent_msg", "four"),
    ];
    const { api } = fakeApi({
      [`GET /agents/${AGENT}/head`]: head(4),
      [`GET /agents/${AGENT}/record`]: entries,
    });
    expect(await runSlash("history", ["3"], { api, agentId: AGENT })).toEqual({
      kind: "lines",
      lines: ["#2 agent: two", "#3 you: three", "#4 agent: four"],
    });
    expect(await runSlash("history", ["0"], { api, agentId: AGENT })).toEqual({
      kind: "lines",
      lines: ["n must be a positive whole number"],
      tone: "error",
    });
    const none = fakeApi({
      [`GET /agents/${AGENT}/head`]: head(1),
      [`GET /agents/${AGENT}/record`]: [textEntry(1, "session_start", "{}")],
    });
    expect(await runSlash("history", [], { api: none.api, agentId: AGENT })).toEqual({
      kind: "lines",
      lines: ["no messages yet"],
    });
  });

  it("/status prints the server, the agent, its status and head with a short hash, and the connection", async () => {
    const { api } = fakeApi({ [`GET /agents/${AGENT}/head`]: head(12) });
    const result = await runSlash("status", [], {
      api,
      agentId: AGENT,
      server: { name: "lab", url: "http://aura.test" },
      connection: { state: "open", lastSeq: 11 },
    });
    expect(result).toEqual({
      kind: "lines",
      lines: [
        "server lab (http://aura.test)",
        `agent ${AGENT}`,
        `status active  head 12 ${HASH.slice(0, 12)}`,
        "connection open  last seen seq 11",
      ],
    });
  });

  it("/whoami prints the current server, the token's user, org and expiry, and the server's health", async () => {
    const server = await serveJson({ "GET /health": { status: "ok", version: "9.9.9" } });
    servers.push(server);
    const { url } = server;
    const { env } = tempHome();
    const exp = Date.UTC(2030, 0, 2) / 1000;
    writeCredentials(
      { current: "lab", servers: { lab: { url, token: jwt({ sub: "ada", org: "acme", exp }) } } },
      join(env.AURA_HOME ?? "", "credentials.json"),
    );
    expect(await runSlash("whoami", [], { api: undefined, agentId: undefined, env })).toEqual({
      kind: "lines",
      lines: [
        `server lab (${url})`,
        "sub ada  org acme  expires 2030-01-02T00:00:00.000Z",
        "health ok (version 9.9.9)",
      ],
    });
  });

  it("/whoami asks to log in when no server is current", async () => {
    const { env } = tempHome();
    expect(await runSlash("whoami", [], { api: undefined, agentId: undefined, env })).toEqual({
      kind: "lines",
      lines: ["not logged in: /login --local or /login URL TOKEN"],
      tone: "error",
    });
  });

  it("/logout forgets the current server, makes the next one current, and says when there is none", async () => {
    const { home, env } = tempHome();
    const path = join(home, "credentials.json");
    writeCredentials(
      {
        current: "lab",
        servers: {
          lab: { url: "http://lab.test", token: "t1" },
          prod: { url: "http://prod.test", token: "t2" },
        },
      },
      path,
    );
    const ctx = { api: undefined, agentId: undefined, env };
    expect(await runSlash("logout", [], ctx)).toEqual({
      kind: "action",
      action: "credentials_changed",
      lines: ["logged out of lab"],
    });
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({
      current: "prod",
      servers: { prod: { url: "http://prod.test", token: "t2" } },
    });
    await runSlash("logout", [], ctx);
    expect(await runSlash("logout", [], ctx)).toEqual({
      kind: "lines",
      lines: ["not logged in"],
      tone: "error",
    });
  });

  it("/deny ID answers that tool call with approved false", async () => {
    const { api, requests } = fakeApi({
      [`POST /agents/${AGENT}/approvals/toolu_x`]: {
        agent_id: AGENT,
        tool_use_id: "toolu_x",
        approved: false,
        seq: 9,
      },
    });
    expect(await runSlash("deny", ["toolu_x"], { api, agentId: AGENT })).toEqual({
      kind: "lines",
      lines: ["denied toolu_x (seq 9)"],
    });
    expect(requests).toEqual([
      {
        key: `POST /agents/${AGENT}/approvals/toolu_x`,
        query: {},
        body: { approved: false },
      },
    ]);
  });

  it("/deny with no id denies the oldest waiting call, and says when nothing waits", async () => {
    const { api, requests } = fakeApi({
      [`GET /agents/${AGENT}/approvals`]: {
        agent_id: AGENT,
        approvals: [{ tool_use_id: "toolu_old", tool: "run_command", args: {}, reason: "strict" }],
      },
      [`POST /agents/${AGENT}/approvals/toolu_old`]: {
        agent_id: AGENT,
        tool_use_id: "toolu_old",
        approved: false,
        seq: 6,
      },
    });
    expect(await runSlash("deny", [], { api, agentId: AGENT })).toEqual({
      kind: "lines",
      lines: ["denied toolu_old (seq 6)"],
    });
    expect(requests.at(-1)?.body).toEqual({ approved: false });
    const idle = fakeApi({
      [`GET /agents/${AGENT}/approvals`]: { agent_id: AGENT, approvals: [] },
    });
    expect(await runSlash("deny", [], { api: idle.api, agentId: AGENT })).toEqual({
      kind: "lines",
      lines: ["nothing waits for approval"],
      tone: "error",
    });
  });

  it("/agents is a table of id, name, status, head and creation time", async () => {
    const created = Date.UTC(2026, 10, 1, 12, 0, 0);
    const { api } = fakeApi({
      "GET /agents": [
        { agent_id: AGENT, name: "scout", head_seq: 7, status: "active", created_at: created },
        { agent_id: OTHER, head_seq: 0, status: "paused", created_at: created + 1000 },
      ],
    });
    const result = await runSlash("agents", [], { api, agentId: undefined });
    expect(result).toEqual({
      kind: "table",
      columns: AGENT_COLUMNS,
      rows: [
        expect.objectContaining({
          agent_id: AGENT,
          name: "scout",
          status: "active",
          head_seq: 7,
          created: "2026-11-01T12:00:00.000Z",
        }),
        expect.objectContaining({
          agent_id: OTHER,
          status: "paused",
          head_seq: 0,
          created: "2026-11-01T12:00:01.000Z",
        }),
      ],
    });
    expect(AGENT_COLUMNS.map((c) => c.header)).toEqual([
      "AGENT",
      "NAME",
      "STATUS",
      "HEAD",
      "CREATED",
    ]);
  });

  it("/fork SEQ forks at that seq without reading the head, and names the command to switch", async () => {
    const { api, requests } = fakeApi({ [`POST /agents/${AGENT}/fork`]: { agent_id: OTHER } });
    expect(await runSlash("fork", ["2"], { api, agentId: AGENT })).toEqual({
      kind: "lines",
      lines: [`forked at seq 2: ${OTHER}`, `/attach ${OTHER.slice(0, 12)} to switch to it`],
    });
    expect(requests).toEqual([
      { key: `POST /agents/${AGENT}/fork`, query: {}, body: { at_seq: 2 } },
    ]);
    expect(await runSlash("fork", ["x"], { api, agentId: AGENT })).toMatchObject({
      tone: "error",
      lines: ["seq must be a positive whole number"],
    });
  });

  it("/login URL with the token left out asks for it through the front end's masked prompt", async () => {
    const { home, env } = tempHome();
    const asked: string[] = [];
    const readSecret = async (prompt: string) => {
      asked.push(prompt);
      return " typed-token \n";
    };
    const result = await runSlash("login", ["http://aura.test/"], {
      api: undefined,
      agentId: undefined,
      env,
      readSecret,
    });
    expect(asked).toEqual(["token: "]);
    expect(result).toEqual({
      kind: "action",
      action: "credentials_changed",
      lines: ["logged in to default (http://aura.test/)"],
    });
    expect(JSON.parse(readFileSync(join(home, "credentials.json"), "utf8"))).toEqual({
      current: "default",
      servers: { default: { url: "http://aura.test", token: "typed-token" } },
    });
  });

  it("/login URL refuses an empty answer, and prints the usage when the front end cannot ask", async () => {
    const { home, env } = tempHome();
    const blank = await runSlash("login", ["http://aura.test"], {
      api: undefined,
      agentId: undefined,
      env,
      readSecret: async () => "  ",
    });
    expect(blank).toEqual({ kind: "lines", lines: ["no token given"], tone: "error" });
    const cannotAsk = await runSlash("login", ["http://aura.test"], {
      api: undefined,
      agentId: undefined,
      env,
    });
    expect(cannotAsk).toEqual({
      kind: "lines",
      lines: ["usage: /login --local | /login URL [TOKEN [NAME]]"],
      tone: "error",
    });
    expect(() => readFileSync(join(home, "credentials.json"))).toThrow(/ENOENT/);
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
