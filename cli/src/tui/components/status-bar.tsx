import { Box, Text } from "ink";
import type { ChatState, ConnectionView } from "../chat-state.js";
import type { Theme } from "../theme.js";

/** What the status bar says about the socket. */
export function connectionLabel(c: ConnectionView): {
  text: string;
  role: "ok" | "warn" | "error";
} {
  switch (c.status) {
    case "connecting":
      return { text: "connecting\u2026", role: "warn" };
    case "open":
      return c.resumedAfter !== undefined
        ? { text: `resumed after seq ${c.resumedAfter}`, role: "ok" }
        : { text: "connected", role: "ok" };
    case "reconnecting":
      return {
        text: `reconnecting\u2026${c.attempt ? ` (attempt ${c.attempt})` : ""}`,
        role: "warn",
      };
    case "closed":
      return { text: `disconnected${c.detail ? `: ${c.detail}` : ""}`, role: "error" };
  }
}

/** Thousands as `12.3k`. */
function tokens(n: number): string {
  return n >= 10_000 ? `${(n / 1000).toFixed(1)}k` : String(n);
}

/**
 * One line: agent, model, tokens in/out, context utilisation, whether a turn runs, and the
 * connection ("reconnecting…", "resumed after seq N").
 */
export function StatusBar({
  state,
  width,
  theme,
}: {
  state: ChatState;
  width: number;
  theme: Theme;
}) {
  const agent = state.agentId ? state.agentId.slice(0, 8) : "new agent";
  const model = state.usage?.model || state.model || "default model";
  const used = state.usage;
  const ctx = used ? `${Math.round(used.contextUtilization * 100)}%` : "0%";
  const conn = connectionLabel(state.connection);
  const turn = state.turn.running
    ? state.turn.cancelling
      ? "cancelling\u2026"
      : "working\u2026"
    : "ready";
  return (
    <Box width={width}>
      <Text wrap="truncate-end">
        <Text {...theme.look.accent}>{`agent ${agent}`}</Text>
        <Text {...theme.look.muted}>{" \u2502 "}</Text>
        <Text {...theme.look.status}>{model}</Text>
        <Text {...theme.look.muted}>{" \u2502 "}</Text>
        <Text
          {...theme.look.status}
        >{`in ${tokens(used?.inputTokens ?? 0)} out ${tokens(used?.outputTokens ?? 0)}`}</Text>
        <Text {...theme.look.muted}>{" \u2502 "}</Text>
        <Text {...theme.look.status}>{`ctx ${ctx}`}</Text>
        <Text {...theme.look.muted}>{" \u2502 "}</Text>
        <Text {...theme.look[state.turn.running ? "warn" : "muted"]}>{turn}</Text>
        <Text {...theme.look.muted}>{" \u2502 "}</Text>
        <Text {...theme.look[conn.role]}>{conn.text}</Text>
      </Text>
    </Box>
  );
}
