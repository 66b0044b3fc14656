import { Box, type Key, useInput, useStdout } from "ink";
import { useEffect, useReducer, useRef, useState, useSyncExternalStore } from "react";
import { currentApproval } from "../chat-state.js";
import type { ChatStore } from "../chat-store.js";
import { clampScroll } from "../layout/transcript-rows.js";
import { type EditKey, editLine, emptyEditor, submitLine } from "../line-editor.js";
import type { Theme } from "../theme.js";
import { AGENTS_PANEL_WIDTH, AgentsPanel } from "./agents-panel.js";
import { APPROVAL_ROWS, ApprovalPrompt } from "./approval-prompt.js";
import { InputLine } from "./input-line.js";
import { RECORD_PANEL_WIDTH, RecordPanel } from "./record-panel.js";
import { StatusBar } from "./status-bar.js";
import { Transcript } from "./transcript.js";

/** What the app asks of the session shell. */
export interface ChatController {
  /** A line the person entered: a message, or a slash command. */
  submit(line: string): void;
  /** Ctrl-C while a turn runs. */
  cancel(): void;
  /** The answer to an approval request (`a`: approved, and allowed for the session). */
  answer(toolUseId: string, approved: boolean, always: boolean): void;
  /** Leave with this exit code (Ctrl-C twice). */
  quit(code: number): void;
  /** The answer to the masked question the state asks (`secretPrompt`); undefined cancels it. */
  answerSecret?(text: string | undefined): void;
}

export interface ChatAppProps {
  store: ChatStore;
  controller: ChatController;
  theme: Theme;
  /** Fixed size (tests); otherwise the terminal's, following resizes. */
  size?: { columns: number; rows: number };
  /** Milliseconds between two Ctrl-C presses that exit (default 2000). */
  exitWindowMs?: number;
  /** The clock, for the Ctrl-C window. */
  now?: () => number;
}

function editKeyOf(input: string, key: Key): EditKey | undefined {
  if (key.upArrow) return { kind: "up" };
  if (key.downArrow) return { kind: "down" };
  if (key.leftArrow) return { kind: "left" };
  if (key.rightArrow) return { kind: "right" };
  if (key.home || (key.ctrl && input === "a")) return { kind: "home" };
  if (key.end || (key.ctrl && input === "e")) return { kind: "end" };
  if (key.ctrl && input === "u") return { kind: "kill" };
  if (key.backspace || key.delete) return { kind: "backspace" };
  if (key.ctrl || key.meta || key.escape || key.tab || key.pageUp || key.pageDown) return undefined;
  return input ? { kind: "insert", text: input } : undefined;
}

function useTerminalSize(fixed?: { columns: number; rows: number }) {
  const { stdout } = useStdout();
  const read = () => fixed ?? { columns: stdout.columns || 80, rows: stdout.rows || 24 };
  const [size, setSize] = useState(read);
  useEffect(() => {
    if (fixed) return;
    const onResize = () => setSize({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
    stdout.on("resize", onResize);
    return () => {
      stdout.off("resize", onResize);
    };
  }, [fixed, stdout]);
  return size;
}

/**
 * The full-screen chat: transcript, optional record or swarm panel on the right, the
 * approval prompt when a turn is parked, the input line and the status bar. Keys: Enter
 * sends, up/down browse history, `y`/`n`/`a` answer an approval (on an empty line), Ctrl-T
 * shows or hides thinking, PgUp/PgDn scroll, Ctrl-C cancels the turn and twice exits.
 */
export function ChatApp({
  store,
  controller,
  theme,
  size: fixed,
  exitWindowMs = 2000,
  now = Date.now,
}: ChatAppProps) {
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const size = useTerminalSize(fixed);
  // Keys can arrive faster than renders: the line lives in a ref, edited synchronously, so
  // Enter right behind typed text sends that text.
  const editorRef = useRef(emptyEditor());
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const editor = editorRef.current;
  const [scroll, setScroll] = useState(0);
  const lastCtrlC = useRef<number | undefined>(undefined);
  // A masked answer is kept apart from the line editor, so it never reaches its history.
  const secretRef = useRef("");
  const approval = currentApproval(state);

  const height = Math.max(6, size.rows - 1);
  const panelOpen = state.panels.record || state.panels.swarm;
  const panelWidth = state.panels.record ? RECORD_PANEL_WIDTH : AGENTS_PANEL_WIDTH;
  const chatWidth = Math.max(20, size.columns - (panelOpen ? panelWidth + 1 : 0));
  const bodyHeight = height - 2 - (approval ? APPROVAL_ROWS : 0);

  useInput((input, key) => {
    if (store.getState().secretPrompt !== undefined) {
      readSecretKey(input, key);
      return;
    }
    if (key.ctrl && input === "c") {
      const t = now();
      if (lastCtrlC.current !== undefined && t - lastCtrlC.current <= exitWindowMs) {
        controller.quit(0);
        return;
      }
      lastCtrlC.current = t;
      if (store.getState().turn.running) {
        controller.cancel();
        store.dispatch({ type: "notice", text: "cancelling the turn \u2014 Ctrl-C again to exit" });
      } else {
        store.dispatch({ type: "notice", text: "Ctrl-C again to exit (or /quit)" });
      }
      return;
    }
    lastCtrlC.current = undefined;
    if (key.ctrl && input === "t") {
      store.dispatch({ type: "toggle_thinking" });
      return;
    }
    if (key.pageUp) {
      const page = Math.max(1, bodyHeight - 2);
      setScroll((s) => clampScroll(store.getState(), chatWidth, bodyHeight, s + page));
      return;
    }
    if (key.pageDown) {
      setScroll((s) => Math.max(0, s - Math.max(1, bodyHeight - 2)));
      return;
    }
    const asked = currentApproval(store.getState());
    const typed = editorRef.current;
    if (asked && typed.text === "" && !key.ctrl && ["y", "n", "a"].includes(input.toLowerCase())) {
      const answer = input.toLowerCase();
      controller.answer(asked.toolUseId, answer !== "n", answer === "a");
      return;
    }
    // Text and Enter read together (a fast terminal, a paste ending in a newline) arrive as
    // one input: the text goes in the line, and the line is sent.
    const typedThenEnter = !key.return && input.length > 1 && /[\r\n]$/.test(input);
    if (key.return || typedThenEnter) {
      const text = input.replace(/[\r\n]+$/, "");
      const full = typedThenEnter ? editLine(typed, { kind: "insert", text }) : typed;
      const { line, editor: next } = submitLine(full);
      editorRef.current = next;
      rerender();
      setScroll(0);
      if (line !== undefined) controller.submit(line);
      return;
    }
    const edit = editKeyOf(input, key);
    if (edit) {
      editorRef.current = editLine(typed, edit);
      rerender();
    }
  });

  /** Keys while a masked question is asked: text, backspace, Enter answers, Ctrl-C cancels. */
  function readSecretKey(input: string, key: Key): void {
    const answer = (text: string | undefined) => {
      secretRef.current = "";
      rerender();
      controller.answerSecret?.(text);
    };
    if (key.ctrl && input === "c") {
      answer(undefined);
      return;
    }
    if (key.return) {
      answer(secretRef.current);
      return;
    }
    if (key.backspace || key.delete) secretRef.current = secretRef.current.slice(0, -1);
    else if (!key.ctrl && !key.meta && !key.escape && input) {
      // Text and Enter read together (a paste ending in a newline) answer at once
      const typed = input.replace(/[\r\n]+$/, "");
      secretRef.current += typed;
      if (typed !== input) {
        answer(secretRef.current);
        return;
      }
    }
    rerender();
  }

  const hint = approval
    ? "y / n / a to answer the approval"
    : state.turn.running
      ? "Ctrl-C cancels the turn"
      : "message, or /help";

  return (
    <Box flexDirection="column" width={size.columns} height={height}>
      <Box flexDirection="row" height={bodyHeight}>
        <Transcript
          state={state}
          width={chatWidth}
          height={bodyHeight}
          scroll={scroll}
          theme={theme}
        />
        {state.panels.record ? (
          <Box marginLeft={1}>
            <RecordPanel records={state.records} height={bodyHeight} theme={theme} />
          </Box>
        ) : state.panels.swarm ? (
          <Box marginLeft={1}>
            <AgentsPanel
              agents={state.agents}
              current={state.agentId}
              height={bodyHeight}
              theme={theme}
            />
          </Box>
        ) : null}
      </Box>
      {approval ? (
        <ApprovalPrompt
          approval={approval}
          queued={state.approvals.length - 1}
          width={size.columns}
          theme={theme}
        />
      ) : null}
      <InputLine
        editor={editor}
        width={size.columns}
        theme={theme}
        hint={hint}
        {...(state.secretPrompt === undefined
          ? {}
          : { secret: { prompt: state.secretPrompt, length: secretRef.current.length } })}
      />
      <StatusBar state={state} width={size.columns} theme={theme} />
    </Box>
  );
}
