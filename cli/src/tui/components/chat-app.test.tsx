import { render } from "ink-testing-library";
import { describe, expect, it, vi } from "vitest";
import type { ServerFrame } from "../../../../src/protocol/stream.js";
import { initialChatState } from "../chat-state.js";
import { createChatStore } from "../chat-store.js";
import { themeOf } from "../theme.js";
import { ChatApp, type ChatController } from "./chat-app.js";

const KEYS = { enter: "\r", up: "\u001b[A", ctrlC: "\u0003", ctrlT: "\u0014" };
const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

function setup(size = { columns: 100, rows: 30 }) {
  const store = createChatStore(initialChatState({ model: "claude-test" }));
  const controller: ChatController = {
    submit: vi.fn(),
    cancel: vi.fn(),
    answer: vi.fn(),
    quit: vi.fn(),
    answerSecret: vi.fn(),
  };
  let clock = 0;
  const app = render(
    <ChatApp
      store={store}
      controller={controller}
      theme={themeOf("minimal")}
      size={size}
      now={() => clock}
    />,
  );
  const frame = (f: ServerFrame) => store.dispatch({ type: "frame", frame: f });
  const advance = (ms: number) => {
    clock += ms;
  };
  return { store, controller, app, frame, advance, screen: () => app.lastFrame() ?? "" };
}

describe("ChatApp", () => {
  it("renders a streamed answer as markdown with its code block", async () => {
    const { store, frame, screen } = setup();
    store.dispatch({ type: "user_sent", text: "show code" });
    frame({ type: "assistant_message_start", message_id: "m1" });
    frame({ type: "text_delta", text: "Here is **some** code:\n\n```ts\nconst x" });
    frame({ type: "text_delta", text: " = 1;\n```\n" });
    await tick();
    expect(screen()).toContain("\u203a show code");
    expect(screen()).toContain("Here is some code:");
    expect(screen()).toContain("\u2500\u2500 ts");
    expect(screen()).toContain("const x = 1;");
  });

  it("shows thinking collapsed until Ctrl-T, then dimmed in full", async () => {
    const { app, frame, screen } = setup();
    frame({ type: "assistant_message_start", message_id: "m1" });
    frame({ type: "thinking_delta", thinking: "weigh the options\ncarefully" });
    await tick();
    expect(screen()).toContain("thinking (2 lines, Ctrl-T shows)");
    expect(screen()).not.toContain("weigh the options");
    app.stdin.write(KEYS.ctrlT);
    await tick();
    expect(screen()).toContain("weigh the options");
  });

  it("draws a tool card that turns from running to ok, with the diff of an edit", async () => {
    const { store, frame, screen } = setup();
    frame({ type: "tool_use_start", id: "t1", name: "edit_file" });
    store.dispatch({
      type: "tool_args",
      toolUseId: "t1",
      tool: "edit_file",
      args: { path: "src/a.ts", old_text: "let a = 1;\n", new_text: "let a = 2;\n" },
    });
    await tick();
    expect(screen()).toMatch(/\u25cb edit_file src\/a\.ts\s+running/);
    frame({
      type: "tool_result",
      tool_use_id: "t1",
      name: "edit_file",
      result: "edited src/a.ts",
      is_error: false,
    });
    await tick();
    expect(screen()).toMatch(/\u2713 edit_file src\/a\.ts\s+ok/);
    expect(screen()).toContain("- let a = 1;");
    expect(screen()).toContain("+ let a = 2;");
  });

  it("answers an approval with y, n and a", async () => {
    const { app, frame, controller, screen } = setup();
    frame({
      type: "approval_request",
      tool_use_id: "t9",
      tool: "run_command",
      args: { command: "ls" },
      reason: "strict",
    });
    await tick();
    expect(screen()).toContain("approve run_command");
    expect(screen()).toContain("[a] allow run_command for this session");
    app.stdin.write("y");
    app.stdin.write("n");
    app.stdin.write("a");
    await tick();
    expect(controller.answer).toHaveBeenNthCalledWith(1, "t9", true, false);
    expect(controller.answer).toHaveBeenNthCalledWith(2, "t9", false, false);
    expect(controller.answer).toHaveBeenNthCalledWith(3, "t9", true, true);
  });

  it("sends the typed line on Enter, even right behind the typing, and recalls it with up", async () => {
    const { app, controller, screen } = setup();
    app.stdin.write("hello there");
    app.stdin.write(KEYS.enter);
    await tick();
    expect(controller.submit).toHaveBeenCalledWith("hello there");
    app.stdin.write(KEYS.up);
    await tick();
    expect(screen()).toContain("\u276f hello there");
  });

  it("sends text and Enter that arrive in one read", async () => {
    const { app, controller } = setup();
    app.stdin.write("/quit\r");
    await tick();
    expect(controller.submit).toHaveBeenCalledWith("/quit");
  });

  it("cancels the running turn on Ctrl-C and exits 0 on a second Ctrl-C", async () => {
    const { app, store, controller, advance } = setup();
    store.dispatch({ type: "user_sent", text: "long job" });
    app.stdin.write(KEYS.ctrlC);
    await tick();
    expect(controller.cancel).toHaveBeenCalledTimes(1);
    expect(controller.quit).not.toHaveBeenCalled();
    advance(500);
    app.stdin.write(KEYS.ctrlC);
    await tick();
    expect(controller.quit).toHaveBeenCalledWith(0);
  });

  it("scrolls the transcript up with PgUp no further than its first row, and back with PgDn", async () => {
    const { app, store, screen } = setup({ columns: 80, rows: 12 });
    for (let i = 1; i <= 30; i++) store.dispatch({ type: "notice", text: `line ${i}` });
    await tick();
    expect(screen()).toContain("line 30");
    app.stdin.write("\u001b[5~");
    await tick();
    expect(screen()).not.toContain("line 30");
    for (let i = 0; i < 10; i++) app.stdin.write("\u001b[5~");
    await tick();
    expect(screen()).toContain("line 1\n");
    app.stdin.write("\u001b[6~");
    await tick();
    expect(screen()).not.toContain("line 1\n");
  });

  it("does not exit on two Ctrl-C presses far apart", async () => {
    const { app, controller, advance } = setup();
    app.stdin.write(KEYS.ctrlC);
    advance(5000);
    app.stdin.write(KEYS.ctrlC);
    await tick();
    expect(controller.quit).not.toHaveBeenCalled();
  });

  it("shows agent, model, tokens, context and the connection in the status bar, reconnecting and resumed", async () => {
    const { store, frame, screen } = setup({ columns: 140, rows: 20 });
    store.dispatch({ type: "connection", connection: { status: "open" } });
    frame({
      type: "session_ready",
      session_id: "s",
      agent_id: "c0ffee".padEnd(64, "0"),
      tools: [],
    });
    frame({
      type: "assistant_message_end",
      message_id: "m",
      stop_reason: "end_turn",
      usage: {
        input_tokens: 1,
        output_tokens: 1,
        cumulative_input_tokens: 1500,
        cumulative_output_tokens: 320,
        context_utilization: 0.42,
        model: "claude-used",
        provider: "anthropic",
      },
      files_changed: { created: [], modified: [], deleted: [] },
    });
    await tick();
    expect(screen()).toMatch(
      /agent c0ffee00 .* claude-used .* in 1500 out 320 .* ctx 42% .* connected/,
    );
    store.dispatch({ type: "connection", connection: { status: "reconnecting", attempt: 2 } });
    await tick();
    expect(screen()).toContain("reconnecting\u2026 (attempt 2)");
    store.dispatch({ type: "connection", connection: { status: "open", resumedAfter: 17 } });
    await tick();
    expect(screen()).toContain("resumed after seq 17");
  });

  it("keeps the record panel hidden at start and shows the newest rows when toggled", async () => {
    const { store, frame, screen } = setup({ columns: 120, rows: 16 });
    for (let seq = 1; seq <= 40; seq++) {
      frame({
        type: "record",
        seq,
        tx_type: "reasoning",
        hash: seq.toString(16).padStart(64, "a"),
      });
    }
    await tick();
    expect(screen()).not.toContain("record \u00b7");
    store.dispatch({ type: "toggle_panel", panel: "record" });
    await tick();
    expect(screen()).toContain("record \u00b7 40 entries");
    expect(screen()).toMatch(/40 reasoning\s+aaaaaaaaaaaa/);
    expect(screen()).not.toMatch(/\s1 reasoning/);
  });

  it("lists the swarm's agents with the current one marked", async () => {
    const { store, frame, screen } = setup({ columns: 120, rows: 16 });
    const mine = "ab".repeat(32);
    frame({ type: "session_ready", session_id: "s", agent_id: mine, tools: [] });
    store.dispatch({
      type: "agents",
      agents: [
        { agentId: mine, name: "main", headSeq: 12, status: "active" },
        { agentId: "cd".repeat(32), headSeq: 3, status: "paused" },
      ],
    });
    store.dispatch({ type: "toggle_panel", panel: "swarm" });
    await tick();
    expect(screen()).toContain("swarm \u00b7 2 agents");
    expect(screen()).toMatch(/\u25b8 abababab main/);
    expect(screen()).toMatch(/cdcdcdcd .*3 paused/);
  });

  it("asks a masked question on the input line: shows * for each character, answers on Enter, keeps it out of the history", async () => {
    const { store, controller, app, screen } = setup();
    store.dispatch({ type: "secret", prompt: "token: " });
    await tick();
    app.stdin.write("s3cr");
    await tick();
    app.stdin.write("et");
    await tick();
    expect(screen()).toContain("token: ******");
    expect(screen()).not.toContain("s3cret");
    app.stdin.write("\u007f");
    await tick();
    expect(screen()).toContain("token: *****");
    expect(screen()).not.toContain("token: ******");
    app.stdin.write(KEYS.enter);
    await tick();
    expect(controller.answerSecret).toHaveBeenCalledWith("s3cre");
    expect(controller.submit).not.toHaveBeenCalled();
    store.dispatch({ type: "secret" });
    await tick();
    app.stdin.write(KEYS.up);
    await tick();
    expect(screen()).not.toContain("s3cre");
  });

  it("cancels a masked question on Ctrl-C instead of counting toward exit", async () => {
    const { store, controller, app } = setup();
    store.dispatch({ type: "secret", prompt: "token: " });
    await tick();
    app.stdin.write("abc");
    await tick();
    app.stdin.write(KEYS.ctrlC);
    await tick();
    expect(controller.answerSecret).toHaveBeenCalledWith(undefined);
    expect(controller.quit).not.toHaveBeenCalled();
  });
});
