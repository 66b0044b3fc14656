import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasTmux, startTui } from "../../scripts/bench/tui-harness.mjs";
import { startFakeAnthropic } from "../../scripts/fake-anthropic/server.mjs";
import { cutProxy } from "../../scripts/lib/cut-proxy.mjs";
import { JWT_SECRET_FILE } from "../../scripts/lib/dev-secret.mjs";
import { jsonLines, runAura, startAura } from "./helpers/aura-cli.js";
import { type LocalStack, ROOT } from "./helpers/local-stack.js";
// Imported under another name: the linter's React rules take any `use…` call for a hook.
import { useStacks as stacksOfThisFile } from "./helpers/stacks.js";

const SECRET = "e2e-cli-secret-0123456789abcdefghijklmnop";
const { tempDataDir, start } = stacksOfThisFile("aura-e2e-cli-", { scope: "file" });

let stack: LocalStack;
let fake: Awaited<ReturnType<typeof startFakeAnthropic>>;
let home: string;
let env: Record<string, string>;

beforeAll(async () => {
  execFileSync(process.execPath, ["scripts/build-cli.mjs"], { cwd: ROOT });
  fake = await startFakeAnthropic({ apiKey: "sk-e2e-cli" });
  stack = await start(tempDataDir(), {
    AURA_JWT_SECRET: SECRET,
    AURA_POLICY: "strict",
    AURA_ANTHROPIC_API_KEY: "sk-e2e-cli",
    AURA_ANTHROPIC_BASE_URL: fake.url,
    AURA_ANTHROPIC_MODEL: "claude-e2e",
  });
  home = mkdtempSync(join(tmpdir(), "aura-e2e-cli-home-"));
  env = { AURA_HOME: join(home, ".aura") };
});

afterAll(async () => {
  await fake?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

const newAgentId = () => randomBytes(32).toString("hex");

/** A new agent with one finished turn; resolves with its id and the turn's seq. */
async function agentWithATurn(): Promise<string> {
  const agent = newAgentId();
  const run = await runAura(["tx", agent, "user_prompt", "hello", "--wait"], env);
  expect(run.code, run.stderr).toBe(0);
  return agent;
}

async function waitForApproval(agent: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 120; i++) {
    const run = await runAura(["approvals", agent], env);
    expect(run.code, run.stderr).toBe(0);
    const [first] = jsonLines(run.stdout);
    if (first) return first;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error("no approval request came");
}

function scriptToolCall(id: string) {
  fake.script([
    {
      kind: "reply",
      content: [
        { type: "text", text: "Writing it." },
        { type: "tool_use", id, name: "run_command", input: { command: "echo cli > cli.txt" } },
      ],
      stop_reason: "tool_use",
    },
    { kind: "reply", content: [{ type: "text", text: "Done." }] },
  ]);
}

describe("the aura command against the running stack", () => {
  it("login --token saves the server in a credentials file only its owner may read, and whoami names the token's user and org", async () => {
    const login = await runAura(
      ["login", "--url", stack.url, "--token", stack.token, "--name", "e2e"],
      env,
    );
    expect(login.code, login.stderr).toBe(0);
    expect(jsonLines(login.stdout)).toEqual([
      { server: "e2e", url: stack.url, path: join(env.AURA_HOME!, "credentials.json") },
    ]);
    const file = join(env.AURA_HOME!, "credentials.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(env.AURA_HOME!).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({
      current: "e2e",
      servers: { e2e: { url: stack.url, token: stack.token } },
    });

    const who = await runAura(["whoami"], env);
    expect(who.code, who.stderr).toBe(0);
    const claims = decodeJwt(stack.token);
    expect(jsonLines(who.stdout)).toEqual([
      expect.objectContaining({
        server: "e2e",
        url: stack.url,
        sub: claims.sub,
        org: claims.org,
        health: "ok",
      }),
    ]);
  });

  it("login without --token reads the token from a piped stdin, and refuses one the server refuses without saving it", async () => {
    const pipedEnv = { AURA_HOME: join(home, "piped") };
    const login = await runAura(["login", "--url", stack.url, "--name", "piped"], pipedEnv, {
      stdin: `${stack.token}\n`,
    });
    expect(login.code, login.stderr).toBe(0);
    const creds = JSON.parse(readFileSync(join(pipedEnv.AURA_HOME, "credentials.json"), "utf8"));
    expect(creds.servers.piped).toEqual({ url: stack.url, token: stack.token });

    const refused = await runAura(["login", "--url", stack.url, "--name", "bad"], pipedEnv, {
      stdin: "not-a-token\n",
    });
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain("refused the token");
    const after = JSON.parse(readFileSync(join(pipedEnv.AURA_HOME, "credentials.json"), "utf8"));
    expect(Object.keys(after.servers)).toEqual(["piped"]);
  });

  it("login --local signs a dev token the local stack accepts, and the stack's ready message names the command that opens the client", async () => {
    expect(stack.output()).toContain(
      `npx aura login --url ${stack.url} --token "$TOKEN" && npx aura`,
    );
    const localEnv = {
      AURA_HOME: join(home, "local"),
      AURA_PORT: String(stack.port),
      AURA_JWT_SECRET: SECRET,
    };
    const login = await runAura(["login", "--local"], localEnv);
    expect(login.code, login.stderr).toBe(0);
    expect(jsonLines(login.stdout)[0]).toMatchObject({ server: "local", url: stack.url });
    const agents = await runAura(["agents"], { AURA_HOME: localEnv.AURA_HOME });
    expect(agents.code, agents.stderr).toBe(0);
  });

  it("login --local without AURA_JWT_SECRET signs its token with the dev secret in the data dir, and says where it looked when there is none", async () => {
    // The data dir of a stack whose dev secret is the one this file's stack verifies with
    const dataDir = mkdtempSync(join(tmpdir(), "aura-e2e-cli-data-"));
    const localEnv = {
      AURA_HOME: join(home, "dev-secret"),
      AURA_PORT: String(stack.port),
      AURA_DATA_DIR: dataDir,
    };
    try {
      const none = await runAura(["login", "--local"], localEnv);
      expect(none.code).toBe(5);
      expect(none.stderr.trim().split("\n")).toEqual([
        `aura: no dev secret in ${dataDir} and AURA_JWT_SECRET is not set: run \`npm start\` once first`,
      ]);

      writeFileSync(join(dataDir, JWT_SECRET_FILE), `${SECRET}\n`, { mode: 0o600 });
      const login = await runAura(["login", "--local"], localEnv);
      expect(login.code, login.stderr).toBe(0);
      expect(jsonLines(login.stdout)).toEqual([
        { server: "local", url: stack.url, path: join(localEnv.AURA_HOME, "credentials.json") },
      ]);
      const saved = JSON.parse(readFileSync(join(localEnv.AURA_HOME, "credentials.json"), "utf8"));
      expect(decodeJwt(saved.servers.local.token)).toMatchObject({ org: "local", sub: "dev" });
      // The stack accepts the token: it was signed with the data dir's secret
      const agents = await runAura(["agents"], { AURA_HOME: localEnv.AURA_HOME });
      expect(agents.code, agents.stderr).toBe(0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("tx --wait prints the transaction once processed, and agents lists the agent it created", async () => {
    const agent = newAgentId();
    const tx = await runAura(["tx", agent, "user_prompt", "hello there", "--wait"], env);
    expect(tx.code, tx.stderr).toBe(0);
    const [status] = jsonLines(tx.stdout);
    expect(status).toMatchObject({ agent_id: agent, status: "processed" });
    expect(status?.tx_id).toMatch(/^[0-9a-f]{64}$/);

    const agents = await runAura(["agents"], env);
    expect(agents.code, agents.stderr).toBe(0);
    const rows = jsonLines(agents.stdout);
    expect(rows.find((row) => row.agent_id === agent)).toMatchObject({ status: "active" });
  });

  it("tx refuses a kind clients may not submit with a usage error and exit code 2", async () => {
    const run = await runAura(["tx", newAgentId(), "reasoning", "x"], env);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain("KIND must be one of user_prompt");
  });

  it("record prints every entry as one JSON line in seq order, from --from on", async () => {
    const agent = await agentWithATurn();
    const all = await runAura(["record", agent], env);
    expect(all.code, all.stderr).toBe(0);
    const seqs = jsonLines(all.stdout).map((entry) => entry.seq);
    expect(seqs.length).toBeGreaterThanOrEqual(2);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));

    const later = await runAura(["record", agent, "--from", "2"], env);
    expect(later.code, later.stderr).toBe(0);
    expect(jsonLines(later.stdout).map((entry) => entry.seq)).toEqual(seqs.slice(1));
  });

  it("record --follow prints the entries committed while it runs, each once, and exits 0 when interrupted", async () => {
    const agent = await agentWithATurn();
    const follow = startAura(["record", agent, "--follow", "--interval", "100"], env);
    const firstCount = async () => {
      for (let i = 0; i < 100; i++) {
        const count = jsonLines(follow.stdout()).length;
        if (count > 0) return count;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return 0;
    };
    const before = await firstCount();
    expect(before).toBeGreaterThan(0);
    const tx = await runAura(["tx", agent, "user_prompt", "again", "--wait"], env);
    expect(tx.code, tx.stderr).toBe(0);
    const [status] = jsonLines(tx.stdout);
    for (let i = 0; i < 100 && jsonLines(follow.stdout()).length <= before + 1; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    follow.child.kill("SIGINT");
    const run = await follow.done();
    expect(run.code, run.stderr).toBe(0);
    const seqs = jsonLines(run.stdout).map((entry) => entry.seq as number);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(seqs.length).toBeGreaterThan(before);
    expect(seqs).toContain(status?.seq);
  });

  it("verify prints ok with the head seq for a sound record", async () => {
    const agent = await agentWithATurn();
    const run = await runAura(["verify", agent], env);
    expect(run.code, run.stderr).toBe(0);
    const [report] = jsonLines(run.stdout);
    expect(report).toMatchObject({ agent_id: agent, ok: true });
    expect(report?.head_seq).toBeGreaterThanOrEqual(2);
  });

  it("verify of an agent that does not exist exits 3 with a one-line reason", async () => {
    const run = await runAura(["verify", newAgentId()], env);
    expect(run.code).toBe(3);
    expect(run.stdout).toBe("");
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain("not_found");
  });

  it("fork copies the record up to SEQ into a new agent and prints its id", async () => {
    const agent = await agentWithATurn();
    const run = await runAura(["fork", agent, "2"], env);
    expect(run.code, run.stderr).toBe(0);
    const [fork] = jsonLines(run.stdout);
    expect(fork).toMatchObject({ source_agent_id: agent, at_seq: 2 });
    const forkId = String(fork?.agent_id);
    expect(forkId).toMatch(/^[0-9a-f]{64}$/);
    const verify = await runAura(["verify", forkId], env);
    expect(verify.code, verify.stderr).toBe(0);
    expect(jsonLines(verify.stdout)[0]).toMatchObject({ ok: true });
    const bad = await runAura(["fork", agent, "zero"], env);
    expect(bad.code).toBe(2);
  });

  it("approvals lists a tool call parked under the strict policy, and approve lets the turn run it", async () => {
    scriptToolCall("toolu_cli_approve");
    const agent = newAgentId();
    const tx = await runAura(["tx", agent, "user_prompt", "write cli.txt"], env);
    expect(tx.code, tx.stderr).toBe(0);
    const waiting = await waitForApproval(agent);
    expect(waiting).toMatchObject({
      agent_id: agent,
      tool_use_id: "toolu_cli_approve",
      tool: "run_command",
    });

    const approve = await runAura(["approve", agent, "toolu_cli_approve"], env);
    expect(approve.code, approve.stderr).toBe(0);
    expect(jsonLines(approve.stdout)[0]).toMatchObject({
      agent_id: agent,
      tool_use_id: "toolu_cli_approve",
      approved: true,
    });
    const again = await runAura(["approve", agent, "toolu_cli_approve"], env);
    expect(again.code).toBe(3);

    let types: unknown[] = [];
    for (let i = 0; i < 80 && !types.includes("agent_msg"); i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const record = await runAura(["record", agent], env);
      types = jsonLines(record.stdout).map((entry) => (entry.tx as { tx_type: string }).tx_type);
    }
    expect(types).toContain("tool_execution");
    expect(types).toContain("agent_msg");
  });

  it("deny refuses a parked tool call, after which nothing waits", async () => {
    scriptToolCall("toolu_cli_deny");
    const agent = newAgentId();
    expect((await runAura(["tx", agent, "user_prompt", "write cli.txt"], env)).code).toBe(0);
    await waitForApproval(agent);
    const deny = await runAura(["deny", agent, "toolu_cli_deny"], env);
    expect(deny.code, deny.stderr).toBe(0);
    expect(jsonLines(deny.stdout)[0]).toMatchObject({ approved: false });
    const after = await runAura(["approvals", agent], env);
    expect(after.code, after.stderr).toBe(0);
    expect(jsonLines(after.stdout)).toEqual([]);
  });

  it("repl reads messages from a pipe, prints each turn's frames as one JSON object per line, and exits 0 at the end of input", async () => {
    fake.script([
      { kind: "reply", content: [{ type: "text", text: "First answer." }] },
      { kind: "reply", content: [{ type: "text", text: "Second answer." }] },
    ]);
    const run = await runAura(["repl"], env, { stdin: "hi\nand again\n" });
    expect(run.code, run.stderr).toBe(0);
    const frames = jsonLines(run.stdout);
    const types = frames.map((frame) => frame.type);
    expect(types).toContain("session_ready");
    expect(types.filter((type) => type === "assistant_message_end")).toHaveLength(2);
    const text = frames
      .filter((frame) => frame.type === "text_delta")
      .map((frame) => frame.text)
      .join("");
    expect(text).toBe("First answer.Second answer.");
    const seqs = frames.filter((frame) => frame.type === "record").map((frame) => frame.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it("repl piped answers a parked tool call with /approve, and the turn runs it to its end", async () => {
    scriptToolCall("toolu_cli_repl");
    const run = await runAura(["repl"], env, { stdin: "write cli.txt\n/approve\n" });
    expect(run.code, run.stderr).toBe(0);
    const frames = jsonLines(run.stdout);
    const types = frames.map((frame) => frame.type);
    expect(types.indexOf("approval_request")).toBeLessThan(types.indexOf("slash"));
    expect(frames.find((frame) => frame.type === "slash")).toMatchObject({
      command: "/approve",
      result: {
        kind: "lines",
        lines: [expect.stringMatching(/^approved toolu_cli_repl \(seq \d+\)$/)],
      },
    });
    expect(frames.find((frame) => frame.type === "tool_result")).toMatchObject({
      tool_use_id: "toolu_cli_repl",
      is_error: false,
    });
    expect(frames.find((frame) => frame.type === "assistant_message_end")).toMatchObject({
      stop_reason: "end_turn",
    });
  });

  it("repl reconnects by itself when the connection drops mid-turn, and resumes with nothing missed or repeated", async () => {
    const proxy = await cutProxy(stack.port);
    try {
      fake.script([
        {
          kind: "reply",
          delay_ms: 1500,
          content: [{ type: "text", text: "Answer after the cut." }],
        },
      ]);
      const repl = startAura(["repl"], {
        AURA_HOME: env.AURA_HOME!,
        AURA_URL: proxy.url,
        AURA_TOKEN: stack.token,
      });
      repl.child.stdin.end("hello through the proxy\n");
      const seen = async (check: (frames: Array<Record<string, unknown>>) => boolean) => {
        for (let i = 0; i < 200 && !check(jsonLines(repl.stdout())); i++) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect(check(jsonLines(repl.stdout())), repl.stdout()).toBe(true);
      };
      await seen((frames) =>
        frames.some((f) => f.type === "record" && f.tx_type === "user_prompt"),
      );
      const agent = String(
        jsonLines(repl.stdout()).find((f) => f.type === "session_ready")?.agent_id,
      );

      // The network drops and stays down until the turn has ended on the server.
      proxy.cut({ refuse: true });
      for (let i = 0; i < 200; i++) {
        const record = await runAura(["record", agent], env);
        const types = jsonLines(record.stdout).map((e) => (e.tx as { tx_type: string }).tx_type);
        if (types.includes("agent_msg")) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      proxy.restore();

      const run = await repl.done();
      expect(run.code, run.stderr).toBe(0);
      const frames = jsonLines(run.stdout);
      const states = frames.filter((f) => f.type === "connection").map((f) => f.state);
      expect(states).toContain("reconnecting");
      expect(states.at(-1)).toBe("open");
      const text = frames
        .filter((f) => f.type === "text_delta")
        .map((f) => f.text)
        .join("");
      expect(text).toBe("Answer after the cut.");
      expect(frames.filter((f) => f.type === "assistant_message_end")).toHaveLength(1);
      const seqs = frames.filter((f) => f.type === "record").map((f) => f.seq as number);
      expect(new Set(seqs).size).toBe(seqs.length);
      const sorted = [...seqs].sort((a, b) => a - b);
      expect(sorted).toEqual(sorted.map((_, i) => i + 1));
    } finally {
      await proxy.close();
    }
  });

  it("a command against a server that does not answer exits 5 naming its URL", async () => {
    const run = await runAura(["agents"], {
      AURA_HOME: env.AURA_HOME!,
      AURA_URL: "http://127.0.0.1:9",
      AURA_TOKEN: stack.token,
    });
    expect(run.code).toBe(5);
    expect(run.stderr).toContain("cannot reach http://127.0.0.1:9");
  });
});

/**
 * The commands that read keys from a terminal, each in a real pseudo-terminal (tmux), against
 * the same stack.
 */
describe.skipIf(!hasTmux())("the aura command in a terminal", () => {
  const sessions: Array<ReturnType<typeof startTui>> = [];
  afterAll(() => {
    for (const session of sessions) session.kill();
  });
  const terminal = (name: string, args: string[], auraHome: string) => {
    const session = startTui({
      socket: `aura-e2e-cli-${name}-${process.pid}`,
      args,
      env: { AURA_HOME: auraHome, TERM: "xterm-256color", NO_COLOR: "1" },
    });
    sessions.push(session);
    return session;
  };

  it("login without --token asks for it with masked input, never shows it, and writes the credentials file 0600", async () => {
    const ttyHome = join(home, "tty-login");
    const login = terminal("login", ["login", "--url", stack.url, "--name", "tty"], ttyHome);
    await login.waitFor(/^token:/m);
    login.type(stack.token);
    const stars = (screen: string) => screen.replace(/\s/g, "");
    const typed = await login.waitFor((screen) =>
      stars(screen).includes(`token:${"*".repeat(stack.token.length)}`),
    );
    login.keys("Enter");
    const done = await login.waitFor("EXIT=");
    expect(done).toContain("EXIT=0");
    for (const screen of [typed, done]) {
      expect(screen).not.toContain(stack.token.slice(0, 16));
      expect(screen).not.toContain(stack.token.slice(-16));
    }
    const file = join(ttyHome, "credentials.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({
      current: "tty",
      servers: { tty: { url: stack.url, token: stack.token } },
    });
  });

  it("repl: /login URL asks for the token masked and saves it; Ctrl-C twice then exits 0", async () => {
    const replHome = join(home, "tty-repl");
    mkdirSync(replHome, { recursive: true });
    const given = await runAura(["login", "--url", stack.url, "--token", stack.token], {
      AURA_HOME: replHome,
    });
    expect(given.code, given.stderr).toBe(0);
    const repl = terminal("repl", ["repl"], replHome);
    await repl.waitFor("Ctrl-C twice to quit");
    await repl.waitFor(/agent [0-9a-f]{64}/);
    repl.type(`/login ${stack.url}`);
    repl.keys("Enter");
    await repl.waitFor(/^token:/m);
    repl.type(stack.token);
    await repl.waitFor((screen) =>
      screen.replace(/\s/g, "").includes(`token:${"*".repeat(stack.token.length)}`),
    );
    repl.keys("Enter");
    const loggedIn = await repl.waitFor(`logged in to default (${stack.url})`);
    expect(loggedIn).not.toContain(stack.token.slice(0, 16));
    expect(loggedIn).not.toContain(stack.token.slice(-16));
    const saved = JSON.parse(readFileSync(join(replHome, "credentials.json"), "utf8"));
    expect(saved.servers.default).toMatchObject({ url: stack.url, token: stack.token });
    // The REPL still reads lines after the masked prompt
    repl.type("/verify");
    repl.keys("Enter");
    await repl.waitFor(/ok \(head seq \d+, \d+ checked\)/);

    repl.keys("C-c");
    await repl.waitFor("(Ctrl-C again to quit, or /quit)");
    expect(repl.screen()).not.toContain("EXIT=");
    repl.keys("C-c");
    expect(await repl.waitFor("EXIT=")).toContain("EXIT=0");
  });
});
