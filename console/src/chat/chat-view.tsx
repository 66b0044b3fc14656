import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { RecordStore } from "../record/record-store.js";
import type { ChatItem, ChatState } from "./chat-model.js";
import { Markdown } from "./markdown.js";
import { ToolCard } from "./tool-card.js";
import { type ToolDetails, toolDetails } from "./tool-details.js";

/** The conversation, the message box and the turn's controls. */
export function ChatView({
  chat,
  store,
  recordVersion,
  connected,
  onSend,
  onCancel,
  onApprove,
}: {
  chat: ChatState;
  store: RecordStore;
  recordVersion: number;
  connected: boolean;
  onSend: (text: string) => boolean;
  onCancel: () => void;
  onApprove: (toolUseId: string, approved: boolean) => void;
}) {
  const [text, setText] = useState("");
  const [note, setNote] = useState<string | undefined>(undefined);
  const log = useRef<HTMLDivElement>(null);
  const details = useMemo(() => toolDetails(store.list()), [store, recordVersion]);
  const turnOpen = chat.open !== undefined;

  useEffect(() => {
    const el = log.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [chat]);

  const submit = () => {
    if (text.trim() === "") return;
    if (onSend(text)) {
      setText("");
      setNote(undefined);
    } else {
      setNote("Not connected: the message was not sent.");
    }
  };

  return (
    <div class="chat">
      <div class="chat-log" ref={log} role="log" aria-label="Conversation">
        {chat.items.length === 0 && <p class="empty">No messages yet. Say something below.</p>}
        {chat.items.map((item) => (
          <ChatRow key={item.key} item={item} details={details} onApprove={onApprove} />
        ))}
      </div>
      <form
        class="composer"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <label for="message">Message</label>
        <textarea
          id="message"
          rows={2}
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey) {
              e.preventDefault();
              submit();
            }
          }}
          placeholder="Enter sends, Shift+Enter starts a new line"
        />
        <div class="actions">
          <button type="submit" disabled={!connected || text.trim() === ""}>
            Send
          </button>
          {turnOpen && (
            <button type="button" class="quiet" onClick={onCancel}>
              Cancel
            </button>
          )}
        </div>
        {note && (
          <p class="error" role="alert">
            {note}
          </p>
        )}
      </form>
    </div>
  );
}

function ChatRow({
  item,
  details,
  onApprove,
}: {
  item: ChatItem;
  details: Map<string, ToolDetails>;
  onApprove: (toolUseId: string, approved: boolean) => void;
}) {
  switch (item.kind) {
    case "user":
      return (
        <article class="msg msg-user" aria-label="You">
          <p>{item.text ?? "…"}</p>
        </article>
      );
    case "error":
      return (
        <p class="msg msg-error error" role="alert">
          {item.code}: {item.message}
        </p>
      );
    case "assistant":
      return (
        <article class="msg msg-assistant" aria-label="Agent">
          {item.blocks.map((block, i) => {
            if (block.kind === "text") return <Markdown key={i} text={block.text} />;
            if (block.kind === "thinking") {
              return (
                <details key={i} class="thinking">
                  <summary>Thinking</summary>
                  <p>{block.text}</p>
                </details>
              );
            }
            return (
              <ToolCard
                key={block.id}
                block={block}
                details={details.get(block.id)}
                onApprove={onApprove}
              />
            );
          })}
          {item.end ? (
            <p class="turn-end muted">
              {item.end.stop_reason} · {item.end.usage.input_tokens} in /{" "}
              {item.end.usage.output_tokens} out tokens
            </p>
          ) : (
            <p class="muted typing">working…</p>
          )}
        </article>
      );
  }
}
