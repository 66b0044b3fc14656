import { useEffect, useMemo, useReducer, useRef, useState } from "preact/hooks";
import type { ClientFrame, ServerFrame } from "../../../src/protocol/stream.js";
import type { AgentsApi } from "../api/agents-api.js";
import { StreamConnection, type StreamStatus } from "../api/stream-connection.js";
import {
  addPendingUser,
  answerApproval,
  applyFrame,
  type ChatState,
  emptyChat,
  fillUserText,
  rollbackUncommitted,
} from "../chat/chat-model.js";
import { ChatView } from "../chat/chat-view.js";
import { FilesView } from "../files/files-view.js";
import { payloadText, RecordStore } from "../record/record-store.js";
import { RecordView } from "../record/record-view.js";
import { type TerminalApproval, TerminalView } from "../terminal/terminal-view.js";
import { perFrame } from "../ui/per-frame.js";
import { type AgentTab, hrefOf } from "../ui/route.js";
import { UsageView } from "../usage/usage-view.js";

type ChatAction =
  | { type: "frames"; frames: ServerFrame[] }
  | { type: "sent"; text: string }
  | { type: "answered"; toolUseId: string; approved: boolean }
  | { type: "user_text"; seq: number; text: string }
  | { type: "reconnecting" };

function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case "frames":
      return action.frames.reduce(applyFrame, state);
    case "sent":
      return addPendingUser(state, action.text);
    case "answered":
      return answerApproval(state, action.toolUseId, action.approved);
    case "user_text":
      return fillUserText(state, action.seq, action.text);
    case "reconnecting":
      return rollbackUncommitted(state);
  }
}

/** How many of the latest entries the chat shows the events of when the page opens. */
const HISTORY_ENTRIES = 500;

/** The agent page's tabs, in order. */
const TABS: ReadonlyArray<{ id: AgentTab; label: string }> = [
  { id: "chat", label: "Chat" },
  { id: "record", label: "Record" },
  { id: "files", label: "Files" },
  { id: "terminal", label: "Terminal" },
  { id: "usage", label: "Usage" },
];

const STATUS_TEXT: Record<StreamStatus, string> = {
  connecting: "Connecting…",
  open: "Live",
  reconnecting: "Reconnecting…",
  closed: "Closed",
};

/**
 * One agent, live over `/stream`: the Chat, Record and Files tabs share one socket and one
 * copy of the record.
 */
export function AgentPage({
  api,
  token,
  agentId,
  tab,
}: {
  api: AgentsApi;
  token: string;
  agentId: string;
  tab: AgentTab;
}) {
  const [chat, dispatch] = useReducer(chatReducer, emptyChat);
  const [status, setStatus] = useState<StreamStatus>("connecting");
  const [statusDetail, setStatusDetail] = useState<string | undefined>(undefined);
  const [recordVersion, setRecordVersion] = useState(0);
  // The record and the chat re-render once per screen refresh, however many frames arrive:
  // opening a page replays hundreds at once.
  const bump = useMemo(() => perFrame(() => setRecordVersion((n) => n + 1)).schedule, []);
  const incoming = useRef<ServerFrame[]>([]);
  const applyIncoming = useMemo(
    () => perFrame(() => dispatch({ type: "frames", frames: incoming.current.splice(0) })),
    [],
  );
  const [name, setName] = useState<string | undefined>(undefined);
  const [loadError, setLoadError] = useState<string | undefined>(undefined);
  const store = useMemo(() => new RecordStore(api, agentId, bump), [api, agentId]);
  const stream = useRef<StreamConnection | undefined>(undefined);
  const [terminalAsk, setTerminalAsk] = useState<TerminalApproval | undefined>(undefined);

  useEffect(() => {
    api.list().then(
      (agents) => setName(agents.find((a) => a.agent_id === agentId)?.name),
      () => undefined,
    );
    let closed = false;
    const connect = (fromSeq: number) => {
      if (closed) return;
      stream.current = new StreamConnection(agentId, token, fromSeq, {
        frame: (frame) => {
          if (frame.type === "record") store.onRecordFrame(frame);
          if (frame.type === "approval_request" && frame.tool === "terminal") {
            setTerminalAsk({ toolUseId: frame.tool_use_id, reason: frame.reason, at: Date.now() });
          }
          incoming.current.push(frame);
          applyIncoming.schedule();
        },
        status: (next, detail) => {
          applyIncoming.flush();
          if (next === "reconnecting") dispatch({ type: "reconnecting" });
          if (next === "open") store.catchUp();
          setStatus(next);
          setStatusDetail(detail);
        },
      });
    };
    // The chat replays the last HISTORY_ENTRIES entries' events; the Record tab reads them all.
    // Without the head (a failed read), the server's own replay limit applies.
    api.head(agentId).then(
      (head) => {
        store.load(head.head_seq).catch((err: Error) => setLoadError(err.message));
        connect(Math.max(0, head.head_seq - HISTORY_ENTRIES));
      },
      (err: Error) => {
        setLoadError(err.message);
        connect(0);
      },
    );
    return () => {
      closed = true;
      stream.current?.close();
      stream.current = undefined;
    };
  }, [agentId, token, store]);

  // User messages show their text once their entry is read.
  useEffect(() => {
    for (const item of chat.items) {
      if (item.kind !== "user" || item.seq === undefined || item.text !== undefined) continue;
      const entry = store.entry(item.seq);
      if (entry) dispatch({ type: "user_text", seq: item.seq, text: payloadText(entry) });
    }
  }, [chat.items, recordVersion]);

  const send = (frame: ClientFrame): boolean => stream.current?.send(frame) ?? false;
  const approve = (toolUseId: string, approved: boolean) => {
    applyIncoming.flush();
    dispatch({ type: "answered", toolUseId, approved });
    if (!send({ type: "approval_response", tool_use_id: toolUseId, approved })) {
      api.approve(agentId, toolUseId, approved).catch((err: Error) =>
        dispatch({
          type: "frames",
          frames: [
            {
              type: "error",
              code: "internal_error",
              message: `the answer was not sent: ${err.message}`,
              recoverable: true,
            },
          ],
        }),
      );
    }
  };

  return (
    <section class="page agent-page" aria-labelledby="agent-title">
      <div class="page-head">
        <h1 id="agent-title">{name ?? "Agent"}</h1>
        <span class="mono" title={agentId}>
          {agentId.slice(0, 16)}…
        </span>
        <output class={`live live-${status}`} aria-label="Connection">
          {STATUS_TEXT[status]}
        </output>
        {status === "reconnecting" && statusDetail && <span class="muted">({statusDetail})</span>}
        <span>head seq {store.rows.length}</span>
      </div>
      {loadError && (
        <p class="error" role="alert">
          Could not read the record: {loadError}
        </p>
      )}
      <div role="tablist" aria-label="Agent views" class="tabs">
        {TABS.map(({ id, label }) => (
          <a
            key={id}
            role="tab"
            aria-selected={tab === id}
            href={hrefOf({ page: "agent", agentId, tab: id })}
          >
            {label}
          </a>
        ))}
      </div>
      <div role="tabpanel" class="tab-panel">
        {tab === "chat" ? (
          <ChatView
            chat={chat}
            store={store}
            recordVersion={recordVersion}
            connected={status === "open"}
            onSend={(text) => {
              if (send({ type: "user_message", content: text })) {
                applyIncoming.flush();
                dispatch({ type: "sent", text });
                return true;
              }
              return false;
            }}
            onCancel={() => send({ type: "cancel" })}
            onApprove={approve}
          />
        ) : tab === "usage" ? (
          <UsageView store={store} recordVersion={recordVersion} />
        ) : tab === "terminal" ? (
          <TerminalView
            agentId={agentId}
            token={token}
            connected={status === "open"}
            approval={terminalAsk}
            onApprove={approve}
          />
        ) : tab === "record" ? (
          <RecordView api={api} agentId={agentId} store={store} recordVersion={recordVersion} />
        ) : (
          <FilesView api={api} agentId={agentId} recordVersion={recordVersion} />
        )}
      </div>
    </section>
  );
}
