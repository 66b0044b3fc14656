import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasTmux, startTui, type TuiDriver } from "../../scripts/bench/tui-harness.mjs";
import { type FakeAnthropic, startFakeAnthropic } from "../../scripts/fake-anthropic/server.mjs";
import { type CutProxy, cutProxy } from "../../scripts/lib/cut-proxy.mjs";
import { client } from "./helpers/api.js";
import { jsonLines, runAura } from "./helpers/aura-cli.js";
import { type LocalStack, startLocalStack } from "./helpers/local-stack.js";
import { freePort } from "./helpers/net.js";

const SECRET = "e2e-tui-secret-0123456789abcdefghijklmnop";
const API_KEY = "sk-e2e-tui";

/** How many times `text` is on the screen. */
function count(screen: string, text: string): number {
  return screen.split(text).length - 1;
}

/**
 * The full-screen chat in a real pseudo-terminal (tmux 120x40), against the local stack in
 * strict mode with the fake Anthropic API; the TUI reaches the stack through a TCP proxy the
 * test can cut. The tests run in order on one chat session.
 */
describe.skipIf(!hasTmux())("aura chat in a terminal", () => {
  let fake: FakeAnthropic;
  let stack: LocalStack;
  let proxy: CutProxy;
  let tui: TuiDriver;
  const dirs: string[] = [];
  let home = "";

  beforeAll(async () => {
    fake = await startFakeAnthropic({ apiKey: API_KEY });
    const dataDir = mkdtempSync(join(tmpdir(), "aura-e2e-tui-"));
    home = mkdtempSync(join(tmpdir(), "aura-e2e-tui-home-"));
    dirs.push(dataDir, home);
    stack = await startLocalStack({
      port: await freePort(),
      dataDir,
      env: {
        AURA_JWT_SECRET: SECRET,
        AURA_POLICY: "strict",
        AURA_ANTHROPIC_API_KEY: API_KEY,
        AURA_ANTHROPIC_BASE_URL: fake.url,
        AURA_ANTHROPIC_MODEL: "claude-e2e-tui",
      },
    });
    proxy = await cutProxy(stack.port);
    // Log in as a person would, through the real CLI, to the proxy in front of the stack
    const login = await runAura(
      ["login", "--url", proxy.url, "--token", stack.token, "--name", "local"],
      { AURA_HOME: home },
    );
    expect(login.code, login.stderr).toBe(0);
    expect(jsonLines(login.stdout)).toEqual([
      { server: "local", url: proxy.url, path: join(home, "credentials.json") },
    ]);
    expect(statSync(join(home, "credentials.json")).mode & 0o777).toBe(0o600);
    tui = startTui({
      socket: `aura-e2e-tui-${process.pid}`,
      args: ["chat", "--new", "--theme", "minimal"],
      // CI set, as on a build machine: Ink would then hold every frame until exit, and the
      // chat must render live in a terminal all the same
      env: { AURA_HOME: home, TERM: "xterm-256color", CI: "true", CONTINUOUS_INTEGRATION: "1" },
    });
    await tui.waitFor("connected", 60_000);
  }, 120_000);

  afterAll(async () => {
    tui?.kill();
    await proxy?.close();
    await stack?.stop();
    await fake?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("streams an answer as markdown, with its code block, and reports tokens in the status bar", async () => {
    fake.script([
      {
        kind: "reply",
        content: [
          {
            type: "text",
            text: "Hello from the **fake** model.\n\n```js\nconst answer = 42;\n```\n\nThat is all.",
          },
        ],
        usage: { input_tokens: 1200, output_tokens: 34 },
      },
    ]);
    tui.type("say hello");
    tui.keys("Enter");
    const screen = await tui.waitFor("That is all.");
    expect(screen).toContain("\u203a say hello");
    expect(screen).toContain("Hello from the fake model.");
    expect(screen).toContain("const answer = 42;");
    await tui.waitFor(/in 1200 out 34/);
    // And the credentials remember the new agent, so a bare `aura` continues it
    const saved = JSON.parse(readFileSync(join(home, "credentials.json"), "utf8"));
    expect(saved.servers.local.agent_id).toMatch(/^[0-9a-f]{64}$/);
  });

  it("asks before a write under strict, runs it on y, and shows the card's final state and diff", async () => {
    fake.script([
      {
        kind: "reply",
        content: [
          { type: "text", text: "Writing the notes." },
          {
            type: "tool_use",
            id: "toolu_tui_write",
            name: "write_file",
            input: { path: "notes/hello.txt", content: "line one\nline two\n" },
          },
        ],
        stop_reason: "tool_use",
      },
      { kind: "reply", content: [{ type: "text", text: "The notes are written." }] },
    ]);
    tui.type("write the notes");
    tui.keys("Enter");
    await tui.waitFor("[y] approve");
    expect(tui.screen()).toMatch(/approve write_file .*notes\/hello\.txt/);
    tui.keys("y");
    const screen = await tui.waitFor("The notes are written.");
    expect(screen).toMatch(/\u2713 write_file notes\/hello\.txt\s+ok/);
    expect(screen).toContain("+ line one");
    expect(screen).toContain("+ line two");
    expect(screen).toContain("created notes/hello.txt");
    expect(screen).not.toContain("[y] approve");
    const api = client(stack.url, stack.token);
    const agents = (await api.get("/agents")).body as Array<{ agent_id: string }>;
    const file = await api.get(
      `/api/read-file?agent_id=${agents[0]?.agent_id}&path=notes/hello.txt`,
    );
    expect(file.body).toMatchObject({ ok: true, content: "line one\nline two\n" });
  });

  it("shows the record panel with the new entries on /record", async () => {
    tui.type("/record");
    tui.keys("Enter");
    const screen = await tui.waitFor(/record \u00b7 \d+ entries/);
    for (const type of [
      "session_start",
      "user_prompt",
      "tool_proposal",
      "tool_execution",
      "agent_msg",
    ]) {
      expect(screen).toMatch(new RegExp(`\\d+ ${type}\\s+[0-9a-f]{12}`));
    }
  });

  it("prints ok for /verify", async () => {
    tui.type("/verify");
    tui.keys("Enter");
    await tui.waitFor(/ok \(head seq \d+, \d+ checked\)/);
  });

  it("cancels a running turn on Ctrl-C: the turn ends cancelled and the model is not called again", async () => {
    const before = fake.requests().length;
    fake.script([
      {
        kind: "reply",
        delay_ms: 2500,
        content: [
          { type: "text", text: "Looking around." },
          { type: "tool_use", id: "toolu_tui_list", name: "list_files", input: { path: "." } },
        ],
        stop_reason: "tool_use",
      },
      { kind: "reply", content: [{ type: "text", text: "This must not be asked for." }] },
    ]);
    tui.type("look around slowly");
    tui.keys("Enter");
    // Cancel while the model call is in flight.
    const deadline = Date.now() + 30_000;
    while (fake.requests().length === before) {
      if (Date.now() > deadline) throw new Error("the model was not called");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    tui.keys("C-c");
    await tui.waitFor("cancelling the turn");
    const screen = await tui.waitFor("(cancelled)", 30_000);
    expect(screen).not.toContain("This must not be asked for.");
    expect(fake.requests().length).toBe(before + 1);
  });

  it("resumes after a dropped connection with nothing missing or repeated", async () => {
    const api = client(stack.url, stack.token);
    const agents = (await api.get("/agents")).body as Array<{ agent_id: string }>;
    const agentId = agents[0]?.agent_id ?? "";
    const replies = async () => {
      const record = (await api.get(`/agents/${agentId}/record?from_seq=1&limit=1000`))
        .body as Array<{ tx: { tx_type: string } }>;
      return record.filter((e) => e.tx.tx_type === "agent_msg").length;
    };
    const repliesBefore = await replies();
    fake.script([
      {
        kind: "reply",
        delay_ms: 2000,
        content: [{ type: "text", text: "Answer that streamed while you were away." }],
      },
    ]);
    const calls = fake.requests().length;
    tui.type("answer while I am away");
    tui.keys("Enter");
    // Cut once the prompt is committed and its model call is in flight.
    const asked = Date.now() + 30_000;
    while (fake.requests().length === calls) {
      if (Date.now() > asked) throw new Error("the model was not called");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    proxy.cut({ refuse: true });
    await tui.waitFor("reconnecting\u2026");
    // The turn finishes on the server while the client cannot reach it.
    const deadline = Date.now() + 30_000;
    for (;;) {
      if ((await replies()) > repliesBefore) break;
      if (Date.now() > deadline) {
        const tail = (await api.get(`/agents/${agentId}/record?from_seq=1&limit=1000`)).body;
        throw new Error(
          `the turn did not finish on the server: ${JSON.stringify(tail).slice(-3000)}\n${tui.screen()}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    proxy.restore();
    const screen = await tui.waitFor(
      (s) =>
        /resumed after seq \d+/.test(s) && s.includes("Answer that streamed while you were away."),
      30_000,
    );
    expect(count(screen, "Answer that streamed while you were away.")).toBe(1);
    // Once the replay is through: the turn has ended, each answer is there once, and the
    // record panel has every entry in order, none twice.
    const seqsOf = (screen: string) =>
      [...screen.matchAll(/\u2502\s+(\d+) [a-z_]+\s+[0-9a-f]{12} \u2502/g)].map((m) =>
        Number(m[1]),
      );
    const inOrder = (seqs: number[]) => seqs.every((seq, i) => seq === (seqs[0] ?? 0) + i);
    const after = await tui.waitFor(
      (s) => /\u2502 ready \u2502/.test(s) && seqsOf(s).length > 10 && inOrder(seqsOf(s)),
      30_000,
    );
    expect(count(after, "Answer that streamed while you were away.")).toBe(1);
    expect(count(after, "The notes are written.")).toBeLessThanOrEqual(1);
  });

  it("asks for the token of /login URL with masked input, and reconnects with it", async () => {
    tui.type(`/login ${proxy.url}`);
    tui.keys("Enter");
    await tui.waitFor(/^token:/m);
    tui.type(stack.token);
    const typed = await tui.waitFor((s) => s.includes(`token: ${"*".repeat(100)}`));
    tui.keys("Enter");
    const screen = await tui.waitFor(`logged in to default (${proxy.url})`);
    for (const shown of [typed, screen]) {
      expect(shown).not.toContain(stack.token.slice(0, 16));
      expect(shown).not.toContain(stack.token.slice(-16));
    }
    await tui.waitFor("connected");
    const saved = JSON.parse(readFileSync(join(home, "credentials.json"), "utf8"));
    expect(saved.current).toBe("default");
    expect(saved.servers.default).toMatchObject({ url: proxy.url, token: stack.token });
  });

  it("exits 0 on Ctrl-C twice", async () => {
    tui.keys("C-c");
    tui.keys("C-c");
    await tui.waitFor("EXIT=0", 15_000);
  });

  it("continues the remembered agent on the next start, showing its last messages, and leaves with /quit", async () => {
    const again = startTui({
      socket: `aura-e2e-tui-again-${process.pid}`,
      args: ["chat", "--theme", "synthwave"],
      env: { AURA_HOME: home, TERM: "xterm-256color", NO_COLOR: "1" },
    });
    try {
      const screen = await again.waitFor("connected", 60_000);
      expect(screen).toContain("Answer that streamed while you were away.");
      expect(screen).toContain("\u203a write the notes");
      again.type("/quit");
      again.keys("Enter");
      await again.waitFor("EXIT=0", 15_000);
    } finally {
      again.kill();
    }
  });
});
