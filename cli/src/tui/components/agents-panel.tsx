import { Box, Text } from "ink";
import type { AgentView } from "../chat-state.js";
import { panelWindow } from "../panel-window.js";
import type { Theme } from "../theme.js";

/** Columns the agents panel takes. */
export const AGENTS_PANEL_WIDTH = 38;

/** The swarm: every agent of the org (`GET /agents`), the current one marked. */
export function AgentsPanel({
  agents,
  current,
  height,
  theme,
}: {
  agents: AgentView[];
  current?: string;
  height: number;
  theme: Theme;
}) {
  const { start, end } = panelWindow(agents.length, height);
  const rows = agents.slice(start, end);
  return (
    <Box
      flexDirection="column"
      width={AGENTS_PANEL_WIDTH}
      height={height}
      borderStyle="single"
      borderColor={theme.look.border.color ?? ""}
      overflow="hidden"
    >
      <Text
        {...theme.look.heading}
        wrap="truncate-end"
      >{` swarm \u00b7 ${agents.length} agents`}</Text>
      {rows.map((a) => (
        <Text key={a.agentId} wrap="truncate-end">
          <Text {...theme.look[a.agentId === current ? "accent" : "muted"]}>
            {a.agentId === current ? "\u25b8 " : "  "}
          </Text>
          <Text {...theme.look.status}>{a.agentId.slice(0, 8)}</Text>
          <Text> </Text>
          <Text {...theme.look.accent}>{(a.name ?? "").slice(0, 10).padEnd(10)}</Text>
          <Text {...theme.look.number}>{` ${String(a.headSeq).padStart(5)}`}</Text>
          <Text {...theme.look[a.status === "active" ? "ok" : "warn"]}>{` ${a.status}`}</Text>
        </Text>
      ))}
    </Box>
  );
}
