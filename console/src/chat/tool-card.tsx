import { prettyJson } from "../ui/format.js";
import type { ToolBlock } from "./chat-model.js";
import type { ToolDetails } from "./tool-details.js";

/** Results longer than this are folded behind "show all". */
const FOLD_CHARS = 2000;

/**
 * One tool call: name, state, arguments, result (a diff-like view for writes and edits),
 * duration, and Approve / Deny while the turn waits on a person for it.
 */
export function ToolCard({
  block,
  details,
  onApprove,
}: {
  block: ToolBlock;
  details: ToolDetails | undefined;
  onApprove: (toolUseId: string, approved: boolean) => void;
}) {
  const args = block.args ?? details?.args;
  const waiting =
    block.approval !== undefined &&
    block.approval.answer === undefined &&
    block.result === undefined;
  const state =
    block.result !== undefined
      ? block.isError
        ? "error"
        : "done"
      : waiting
        ? "waiting for approval"
        : block.approval?.answer === false
          ? "denied"
          : "running";
  return (
    <article
      class={`tool-card tool-${state.replace(/ /g, "-")}`}
      aria-label={`Tool call ${block.name}`}
    >
      <header>
        <strong class="mono">{block.name}</strong>
        <span class="tool-state">{state}</span>
        {details?.durationMs !== undefined && <span class="muted">{details.durationMs} ms</span>}
      </header>
      {args !== undefined && <ToolArgs tool={block.name} args={args} />}
      {block.approval && <p class="muted">{block.approval.reason}</p>}
      {waiting && (
        <div class="actions">
          <button type="button" onClick={() => onApprove(block.id, true)}>
            Approve
          </button>
          <button type="button" class="danger" onClick={() => onApprove(block.id, false)}>
            Deny
          </button>
        </div>
      )}
      {block.result !== undefined && (
        <details open={block.result.length <= FOLD_CHARS}>
          <summary>Result</summary>
          <pre class={block.isError ? "code error" : "code"}>{block.result}</pre>
        </details>
      )}
    </article>
  );
}

function ToolArgs({ tool, args }: { tool: string; args: unknown }) {
  const a = (typeof args === "object" && args !== null ? args : {}) as Record<string, unknown>;
  if (tool === "edit_file" && typeof a.old_text === "string" && typeof a.new_text === "string") {
    return (
      <figure class="diff" aria-label="Edit">
        <p class="mono">{String(a.path ?? "")}</p>
        <pre class="code">
          {a.old_text.split("\n").map((line, i) => (
            <span key={`o${i}`} class="del">
              {`- ${line}\n`}
            </span>
          ))}
          {a.new_text.split("\n").map((line, i) => (
            <span key={`n${i}`} class="ins">
              {`+ ${line}\n`}
            </span>
          ))}
        </pre>
      </figure>
    );
  }
  if (tool === "write_file" && typeof a.content === "string") {
    return (
      <figure class="diff" aria-label="Write">
        <p class="mono">{String(a.path ?? "")}</p>
        <pre class="code">
          {a.content.split("\n").map((line, i) => (
            <span key={i} class="ins">
              {`+ ${line}\n`}
            </span>
          ))}
        </pre>
      </figure>
    );
  }
  return <pre class="code args">{prettyJson(args)}</pre>;
}
