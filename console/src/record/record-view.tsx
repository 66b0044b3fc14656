import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { VerifyReport } from "../../../src/protocol/agents.js";
import type { AgentsApi } from "../api/agents-api.js";
import { formatTime, prettyJson, shortHash } from "../ui/format.js";
import { navigate } from "../ui/route.js";
import { payloadJson, payloadText, type RecordRow, type RecordStore } from "./record-store.js";
import { visibleWindow } from "./virtual-window.js";

/** Height of one row of the list, in CSS pixels (rows are fixed-height so the list is virtual). */
const ROW_PX = 32;
/** Rows rendered above and below what is visible. */
const OVERSCAN = 10;

/**
 * The record: every entry (seq, type, time, short hash, the link to the previous hash),
 * rendered virtually so 10,000 entries cost what a screenful costs; the selected entry's
 * decoded payload; Verify and Fork here. On a row, the arrow keys, Page Up/Down, Home and End
 * move the selection (and the focus) through the whole record, rendered or not.
 */
export function RecordView({
  api,
  agentId,
  store,
  recordVersion,
}: {
  api: AgentsApi;
  agentId: string;
  store: RecordStore;
  recordVersion: number;
}) {
  const rows = store.rows;
  const [selected, setSelected] = useState<number | undefined>(undefined);
  const [verify, setVerify] = useState<VerifyReport | "running" | string | undefined>(undefined);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(480);
  const list = useRef<HTMLDivElement>(null);
  const follow = useRef(true);
  /** The row to focus once it is rendered (the keyboard moved to it). */
  const focusSeq = useRef<number | undefined>(undefined);

  // In the commit that renders the row, so the next key press already lands on it.
  useLayoutEffect(() => {
    if (focusSeq.current === undefined) return;
    const button = list.current?.querySelector<HTMLButtonElement>(
      `button[data-seq="${focusSeq.current}"]`,
    );
    if (button) {
      button.focus();
      focusSeq.current = undefined;
    }
  });

  /** Selects `seq` (clamped to the record), scrolls it into view and focuses it. */
  const moveTo = (seq: number) => {
    const target = Math.min(rows.length, Math.max(1, seq));
    setSelected(target);
    focusSeq.current = target;
    const el = list.current;
    if (!el) return;
    const top = (target - 1) * ROW_PX;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_PX > el.scrollTop + el.clientHeight) {
      el.scrollTop = top + ROW_PX - el.clientHeight;
    }
    setScrollTop(el.scrollTop);
  };
  const page = Math.max(1, Math.floor(height / ROW_PX) - 1);
  const onKey = (key: string, seq: number): boolean => {
    const moves: Record<string, number> = {
      ArrowDown: seq + 1,
      ArrowUp: seq - 1,
      PageDown: seq + page,
      PageUp: seq - page,
      Home: 1,
      End: rows.length,
    };
    const next = moves[key];
    if (next === undefined) return false;
    moveTo(next);
    return true;
  };

  useEffect(() => {
    const el = list.current;
    if (!el) return;
    setHeight(el.clientHeight);
    if (follow.current) el.scrollTop = el.scrollHeight;
  }, [recordVersion]);

  const runVerify = async () => {
    setVerify("running");
    try {
      setVerify(await api.verify(agentId));
    } catch (err) {
      setVerify((err as Error).message);
    }
  };

  const window = visibleWindow({
    count: rows.length,
    rowPx: ROW_PX,
    scrollTop,
    height,
    overscan: OVERSCAN,
  });
  const chosen = selected === undefined ? undefined : rows[selected - 1];

  return (
    <div class="record">
      <div class="toolbar">
        <button type="button" onClick={() => void runVerify()} disabled={verify === "running"}>
          Verify
        </button>
        <output class="verify-result" aria-label="Verify result">
          {verifyText(verify)}
        </output>
        <span class="muted">{rows.length} entries</span>
        {store.read < rows.length && (
          <output class="muted reading" aria-label="Reading the record">
            read {store.read} of {rows.length}
          </output>
        )}
      </div>
      <div
        class="record-list"
        ref={list}
        onScroll={(e) => {
          const el = e.currentTarget;
          setScrollTop(el.scrollTop);
          follow.current = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_PX;
        }}
      >
        <ul aria-label="Record entries" style={{ height: `${rows.length * ROW_PX}px` }}>
          {Array.from({ length: window.to - window.from }, (_, i) => {
            const seq = window.from + i + 1;
            return (
              <RecordLine
                key={seq}
                seq={seq}
                row={rows[seq - 1]}
                top={(seq - 1) * ROW_PX}
                selected={seq === selected}
                onSelect={(s) => setSelected(s === selected ? undefined : s)}
                onKey={onKey}
              />
            );
          })}
        </ul>
      </div>
      {rows.length === 0 && <p class="empty">The record is empty.</p>}
      {chosen && <EntryDetail row={chosen} api={api} agentId={agentId} />}
    </div>
  );
}

function RecordLine({
  seq,
  row,
  top,
  selected,
  onSelect,
  onKey,
}: {
  seq: number;
  /** Undefined while the entry is being read. */
  row: RecordRow | undefined;
  top: number;
  selected: boolean;
  onSelect: (seq: number) => void;
  /** A key pressed on the row; true when it moved the selection. */
  onKey: (key: string, seq: number) => boolean;
}) {
  if (row === undefined) {
    return (
      <li
        class="record-row pending"
        aria-busy="true"
        style={{ top: `${top}px`, height: `${ROW_PX}px` }}
      >
        <span class="seq num">{seq}</span>
        <span class="muted">reading…</span>
      </li>
    );
  }
  return (
    <li class="record-row" style={{ top: `${top}px`, height: `${ROW_PX}px` }}>
      <button
        type="button"
        class={selected ? "selected" : ""}
        aria-expanded={selected}
        aria-label={`Entry ${row.seq} ${row.txType}`}
        data-seq={row.seq}
        onClick={() => onSelect(row.seq)}
        onKeyDown={(e) => {
          if (onKey(e.key, row.seq)) e.preventDefault();
        }}
      >
        <span class="seq num">{row.seq}</span>
        <span class="type">{row.txType}</span>
        <span class="time muted">{row.entry ? formatTime(row.entry.tx.ts_ms) : ""}</span>
        <span class="chain mono" title={`prev ${row.entry?.prev_hash ?? "?"} → ${row.hash}`}>
          {row.entry ? shortHash(row.entry.prev_hash).slice(0, 6) : "……"} → {shortHash(row.hash)}
        </span>
      </button>
    </li>
  );
}

function EntryDetail({ row, api, agentId }: { row: RecordRow; api: AgentsApi; agentId: string }) {
  const [error, setError] = useState<string | undefined>(undefined);
  const fork = async () => {
    try {
      const { agent_id } = await api.fork(agentId, row.seq);
      navigate({ page: "agent", agentId: agent_id, tab: "record" });
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const entry = row.entry;
  const payload = entry ? (payloadJson(entry) ?? payloadText(entry)) : undefined;
  return (
    <section class="card entry-detail" aria-label={`Entry ${row.seq}`}>
      <header>
        <h2>
          Entry {row.seq} · {row.txType}
        </h2>
        <button type="button" onClick={() => void fork()}>
          Fork here
        </button>
      </header>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {entry ? (
        <>
          <p class="mono small">hash {entry.hash}</p>
          <p class="mono small">prev {entry.prev_hash}</p>
          <h3>Payload</h3>
          <pre class="code">{typeof payload === "string" ? payload : prettyJson(payload)}</pre>
          <details>
            <summary>Whole entry</summary>
            <pre class="code">{prettyJson(entry)}</pre>
          </details>
        </>
      ) : (
        <output>Reading the entry…</output>
      )}
    </section>
  );
}

function verifyText(verify: VerifyReport | "running" | string | undefined): string {
  if (verify === undefined) return "";
  if (verify === "running") return "verifying…";
  if (typeof verify === "string") return `could not verify: ${verify}`;
  if (verify.ok) return `ok (${verify.checked} entries checked)`;
  return `first bad seq ${verify.first_bad_seq ?? "?"}: ${verify.reason ?? "unknown reason"}`;
}
