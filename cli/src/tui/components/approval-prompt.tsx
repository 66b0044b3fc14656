import { Box, Text } from "ink";
import type { PendingApproval } from "../chat-state.js";
import type { Theme } from "../theme.js";

/** Rows the prompt takes, borders included. */
export const APPROVAL_ROWS = 4;

function argsLine(args: unknown): string {
  const text = JSON.stringify(args ?? {});
  return text.length > 200 ? `${text.slice(0, 197)}\u2026` : text;
}

/**
 * The question a parked turn asks: which tool, with what, and why; `y` approves, `n` denies,
 * `a` allows the tool for the rest of the session.
 */
export function ApprovalPrompt({
  approval,
  queued,
  width,
  theme,
}: {
  approval: PendingApproval;
  queued: number;
  width: number;
  theme: Theme;
}) {
  return (
    <Box
      flexDirection="column"
      width={width}
      borderStyle="round"
      borderColor={theme.look.warn.color ?? ""}
      paddingX={1}
    >
      <Text wrap="truncate-end">
        <Text {...theme.look.warn}>{"approve "}</Text>
        <Text {...theme.look.accent}>{approval.tool}</Text>
        <Text {...theme.look.muted}>{` ${argsLine(approval.args)}`}</Text>
      </Text>
      <Text wrap="truncate-end">
        <Text {...theme.look.ok}>[y]</Text>
        <Text> approve </Text>
        <Text {...theme.look.error}>[n]</Text>
        <Text> deny </Text>
        <Text {...theme.look.accent}>[a]</Text>
        <Text>{` allow ${approval.tool} for this session`}</Text>
        <Text {...theme.look.muted}>
          {`${approval.reason ? `  \u2014 ${approval.reason}` : ""}${queued > 0 ? `  (+${queued} waiting)` : ""}`}
        </Text>
      </Text>
    </Box>
  );
}
