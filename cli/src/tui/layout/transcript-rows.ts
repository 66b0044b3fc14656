import type { AssistantBlock, ChatItem, ChatState, ToolCard } from "../chat-state.js";
import { renderMarkdown } from "../markdown/render-markdown.js";
import { type Row, type RowSpan, wrapSpans } from "./wrap.js";

/** What a transcript item's rows depend on besides the item itself. */
interface RowsKey {
  width: number;
  showThinking: boolean;
  cards: (ToolCard | undefined)[];
}

const cache = new WeakMap<ChatItem, { key: RowsKey; rows: Row[] }>();

const TOOL_MARK: Record<ToolCard["state"], { mark: string; role: RowSpan["role"]; label: string }> =
  {
    running: { mark: "\u25cb", role: "warn", label: "running" },
    awaiting_approval: { mark: "?", role: "warn", label: "waiting for approval" },
    ok: { mark: "\u2713", role: "ok", label: "ok" },
    error: { mark: "\u2717", role: "error", label: "error" },
    denied: { mark: "\u2717", role: "error", label: "denied" },
  };

/**
 * The screen rows of one transcript item at `width` columns, memoised per item: an item the
 * reducer did not replace (and whose tool cards did not change) is never laid out again, so
 * a streaming answer costs the layout of its own message only.
 *
 * @example
 * rowsOfItem({ kind: "user", id: 1, text: "hi" }, state, 80); // [[{ text: "› ", role: "user" }, { text: "hi", role: "plain" }], []]
 */
export function rowsOfItem(item: ChatItem, state: ChatState, width: number): Row[] {
  const key: RowsKey = {
    width,
    showThinking: state.showThinking,
    cards:
      item.kind === "assistant"
        ? item.blocks.flatMap((b) => (b.kind === "tool" ? [state.tools[b.toolUseId]] : []))
        : [],
  };
  const hit = cache.get(item);
  if (hit && sameKey(hit.key, key)) return hit.rows;
  const rows = layoutItem(item, state, width);
  cache.set(item, { key, rows });
  return rows;
}

/**
 * The last `height` rows of the transcript, `scroll` rows up from its end; lays out only
 * the items it needs, from the newest back.
 */
export function visibleRows(state: ChatState, width: number, height: number, scroll = 0): Row[] {
  const wanted = height + scroll;
  const collected: Row[][] = [];
  let count = 0;
  for (let i = state.items.length - 1; i >= 0 && count < wanted; i--) {
    const item = state.items[i];
    if (!item) continue;
    const rows = rowsOfItem(item, state, width);
    collected.push(rows);
    count += rows.length;
  }
  const all = collected.reverse().flat();
  const end = Math.max(0, all.length - scroll);
  return all.slice(Math.max(0, end - height), end);
}

/**
 * `scroll` cut so the transcript's first row is at most at the top of the view: scrolling
 * further up shows nothing new.
 */
export function clampScroll(
  state: ChatState,
  width: number,
  height: number,
  scroll: number,
): number {
  let count = 0;
  for (let i = state.items.length - 1; i >= 0 && count < height + scroll; i--) {
    const item = state.items[i];
    if (item) count += rowsOfItem(item, state, width).length;
  }
  return Math.max(0, Math.min(scroll, count - height));
}

function sameKey(a: RowsKey, b: RowsKey): boolean {
  return (
    a.width === b.width &&
    a.showThinking === b.showThinking &&
    a.cards.length === b.cards.length &&
    a.cards.every((c, i) => c === b.cards[i])
  );
}

function layoutItem(item: ChatItem, state: ChatState, width: number): Row[] {
  const rows: Row[] = [];
  switch (item.kind) {
    case "user":
      for (const [i, line] of item.text.split("\n").entries()) {
        const lead: RowSpan = { text: i === 0 ? "\u203a " : "  ", role: "user" };
        rows.push(...wrapSpans([lead, { text: line, role: "plain" }], width, "  "));
      }
      break;
    case "notice":
      for (const line of item.text.split("\n")) {
        rows.push(
          ...wrapSpans(
            [{ text: line, role: item.tone === "info" ? "muted" : item.tone }],
            width,
            "  ",
          ),
        );
      }
      break;
    case "assistant":
      for (const block of item.blocks) rows.push(...blockRows(block, state, width));
      if (item.done && item.stopReason && item.stopReason !== "end_turn") {
        rows.push([{ text: `  (${item.stopReason.replace(/_/g, " ")})`, role: "warn" }]);
      }
      if (rows.length === 0 && !item.done) rows.push([{ text: "  \u2026", role: "muted" }]);
      break;
  }
  rows.push([]);
  return rows;
}

function blockRows(block: AssistantBlock, state: ChatState, width: number): Row[] {
  switch (block.kind) {
    case "text":
      return renderMarkdown(block.text).flatMap((line) =>
        wrapSpans(
          [{ text: "  ", role: "plain" }, ...line.map((s) => ({ text: s.text, role: s.style }))],
          width,
          "  ",
        ),
      );
    case "thinking": {
      const lines = block.text.split("\n").filter((l) => l.trim() !== "");
      if (!state.showThinking) {
        return [
          [
            {
              text: `  \u273b thinking (${lines.length} line${lines.length === 1 ? "" : "s"}, Ctrl-T shows)`,
              role: "thinking",
            },
          ],
        ];
      }
      return [
        [{ text: "  \u273b thinking (Ctrl-T hides)", role: "thinking" }],
        ...lines.flatMap((l) =>
          wrapSpans([{ text: `  \u2502 ${l}`, role: "thinking" }], width, "  \u2502 "),
        ),
      ];
    }
    case "tool": {
      const card = state.tools[block.toolUseId];
      return card ? cardRows(card, width) : [];
    }
  }
}

function cardRows(card: ToolCard, width: number): Row[] {
  const look = TOOL_MARK[card.state];
  const target = summary(card);
  const rows: Row[] = wrapSpans(
    [
      { text: `  ${look.mark} `, role: look.role },
      { text: card.name, role: "accent" },
      { text: target ? ` ${target}` : "", role: "plain" },
      { text: `  ${look.label}`, role: look.role },
    ],
    width,
    "    ",
  );
  if (card.diff) {
    for (const line of card.diff.lines) {
      const sign = line.kind === "add" ? "+" : line.kind === "remove" ? "-" : " ";
      const role = line.kind === "add" ? "add" : line.kind === "remove" ? "remove" : "muted";
      rows.push(...wrapSpans([{ text: `    ${sign} ${line.text}`, role }], width, "      "));
    }
    if (card.diff.omitted > 0)
      rows.push([{ text: `    \u2026 ${card.diff.omitted} more lines`, role: "muted" }]);
  }
  if (card.result !== undefined && card.state !== "running") {
    const lines = card.result.trimEnd().split("\n");
    const shown = lines.slice(0, 6);
    for (const line of shown) {
      rows.push(
        ...wrapSpans(
          [{ text: `    \u2502 ${line}`, role: card.state === "ok" ? "muted" : "error" }],
          width,
          "    \u2502 ",
        ),
      );
    }
    if (lines.length > shown.length)
      rows.push([{ text: `    \u2026 ${lines.length - shown.length} more lines`, role: "muted" }]);
  }
  return rows;
}

/** The argument a card's title names: a path, a command, a pattern. */
function summary(card: ToolCard): string {
  const args = card.args;
  if (typeof args !== "object" || args === null) return "";
  const a = args as Record<string, unknown>;
  for (const field of ["path", "command", "pattern", "agent_id", "task"]) {
    const value = a[field];
    if (typeof value === "string") return value.length > 60 ? `${value.slice(0, 57)}\u2026` : value;
  }
  return "";
}
