import { useEffect, useState } from "preact/hooks";
import type { FileEntry } from "../../../src/protocol/sandbox.js";
import type { AgentsApi } from "../api/agents-api.js";

/** Waits this long after a change of the record before reading the tree again. */
const REFRESH_MS = 500;

/**
 * The agent's workspace: its tree (read again as the record grows, since tool calls change
 * files) and the file picked, shown as text.
 */
export function FilesView({
  api,
  agentId,
  recordVersion,
}: {
  api: AgentsApi;
  agentId: string;
  recordVersion: number;
}) {
  const [tree, setTree] = useState<FileEntry[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [open, setOpen] = useState<string | undefined>(undefined);
  const [file, setFile] = useState<{ path: string; content?: string; error?: string }>();

  // Read again whenever the record changes: tool calls change files.
  useEffect(() => {
    const timer = setTimeout(() => {
      api.files(agentId).then(
        (answer) => {
          if (answer.ok) {
            setTree(answer.entries);
            setError(undefined);
          } else {
            setError(answer.error);
          }
        },
        (err: Error) => setError(err.message),
      );
    }, REFRESH_MS);
    return () => clearTimeout(timer);
  }, [api, agentId, recordVersion]);

  useEffect(() => {
    if (open === undefined) return;
    let current = true;
    api.readFile(agentId, open).then(
      (answer) => {
        if (!current) return;
        setFile(
          answer.ok ? { path: open, content: answer.content } : { path: open, error: answer.error },
        );
      },
      (err: Error) => current && setFile({ path: open, error: err.message }),
    );
    return () => {
      current = false;
    };
  }, [api, agentId, open, recordVersion]);

  return (
    <div class="files">
      <nav class="file-tree card" aria-label="Workspace files">
        {error && (
          <p class="error" role="alert">
            Could not read the workspace: {error}
          </p>
        )}
        {tree === undefined && !error && <output>Reading the workspace…</output>}
        {tree !== undefined && tree.length === 0 && <p class="empty">The workspace is empty.</p>}
        {tree !== undefined && <Tree entries={tree} selected={open} onOpen={setOpen} />}
      </nav>
      <section class="file-view card" aria-label={file ? `File ${file.path}` : "File"}>
        {file === undefined && <p class="empty">Pick a file to read it.</p>}
        {file?.error && (
          <p class="error" role="alert">
            {file.error}
          </p>
        )}
        {file?.content !== undefined && (
          <>
            <h2 class="mono">{file.path}</h2>
            <pre class="code">{file.content}</pre>
          </>
        )}
      </section>
    </div>
  );
}

function Tree({
  entries,
  selected,
  onOpen,
}: {
  entries: FileEntry[];
  selected: string | undefined;
  onOpen: (path: string) => void;
}) {
  return (
    <ul>
      {entries.map((entry) =>
        entry.is_dir ? (
          <li key={entry.path}>
            <details open>
              <summary>{entry.name}/</summary>
              <Tree entries={entry.children ?? []} selected={selected} onOpen={onOpen} />
            </details>
          </li>
        ) : (
          <li key={entry.path}>
            <button
              type="button"
              class={entry.path === selected ? "file selected" : "file"}
              aria-current={entry.path === selected ? "true" : undefined}
              onClick={() => onOpen(entry.path)}
            >
              {entry.name}
            </button>
          </li>
        ),
      )}
    </ul>
  );
}
