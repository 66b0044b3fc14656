import { z } from "zod";
import { isFinal } from "../../src/automaton/lifecycle.js";
import {
  automatonEntryEvents,
  endsStream,
  replayAutomatonEvents,
  type WatchFold,
  watchesText,
} from "../../src/automaton/stream-events.js";
import { closeQuietly } from "../../src/core/close-socket.js";
import type { Result } from "../../src/core/errors.js";
import type { RecordEntry } from "../../src/core/record.js";
import {
  AutomatonResumeFrame,
  type AutomatonStreamEvent,
} from "../../src/protocol/automaton-stream.js";
import {
  AutomatonId,
  type AutomatonView,
  agentOfAutomaton,
} from "../../src/protocol/automatons.js";
import type { ServerFrame } from "../../src/protocol/stream.js";
import { ownedMeta } from "../agent/admission.js";
import type { AgentStore } from "../agent/agent-store.js";
import { socketCaller } from "../agent/session-hub.js";
import { RESUME_LIMIT } from "../agent/stream-sessions.js";

/** The tag automaton watchers are accepted with, so they are listed apart from sessions. */
const TAG = "automaton";
const PATH = /^\/stream\/automaton\/([^/]+)$/;

/** A watcher's attachment (survives hibernation; a few hundred bytes, far under 16 KiB). */
const Watcher = z.object({
  watch: z.literal(TAG),
  automaton_id: AutomatonId,
  org: z.string(),
  /** The head when the socket was accepted: later entries reach it live. */
  live_after: z.number().int().nonnegative(),
  /** Seq of the last event sent. */
  last_seq: z.number().int().nonnegative(),
  fold: z.object({
    tick_seq: z.number().int().positive().nullable(),
    tick_open: z.boolean(),
    turn_tx: z.string().nullable(),
    task_id: z.string().nullable().default(null),
  }),
});
type Watcher = z.infer<typeof Watcher>;

/** Where the watchers read an automaton as recorded (`not_found` when this agent runs none). */
export interface AutomatonViews {
  view(id: string): Result<AutomatonView>;
}

/**
 * The sockets of `/stream/automaton/:id`, accepted with the hibernation API and tagged apart
 * from `/stream` sessions. Events are derived from committed entries (the pure
 * `src/automaton/stream-events.ts`); live model text arrives from the sessions' loop-event
 * fan-out ({@link live}). Each socket's automaton, fold and last seq live in its attachment,
 * so it keeps watching across hibernation; it closes after `done`.
 *
 * @example
 * const watch = new AutomatonWatch(ctx, store, runtime);
 * return watch.acceptUpgrade(request) ?? hub.acceptUpgrade(request); // in fetch()
 */
export class AutomatonWatch {
  readonly #ctx: DurableObjectState;
  readonly #store: AgentStore;
  readonly #views: AutomatonViews;
  /** Attachments already read (a wake forgets them; read again on first use). */
  readonly #cache = new WeakMap<WebSocket, Watcher | null>();

  constructor(ctx: DurableObjectState, store: AgentStore, views: AutomatonViews) {
    this.#ctx = ctx;
    this.#store = store;
    this.#views = views;
  }

  /**
   * Accepts an upgrade to `/stream/automaton/:id` the Worker forwarded: 101, or 404 when the
   * caller's org has no such automaton. Undefined for any other path (a `/stream` session).
   */
  acceptUpgrade(request: Request): Response | undefined {
    const id = PATH.exec(new URL(request.url).pathname)?.[1];
    if (id === undefined) return undefined;
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("expected a WebSocket upgrade", { status: 426 });
    }
    const store = this.#store;
    const who = socketCaller(request.headers);
    const owned = who && ownedMeta(store, { org: who.org, agent_id: who.agent_id });
    if (!who || !owned || agentOfAutomaton(id) !== who.agent_id || !this.#views.view(id).ok) {
      return new Response(`no automaton ${id} in your organisation`, { status: 404 });
    }
    const head = owned.head_seq;
    const from = Math.max(1, head - RESUME_LIMIT + 1);
    const entries = store.entriesFrom(from, head - from + 1);
    const { fold } = replayAutomatonEvents(entries, id, head);
    const pair = new WebSocketPair();
    this.#ctx.acceptWebSocket(pair[1], [TAG]);
    this.#save(pair[1], {
      watch: TAG,
      automaton_id: id,
      org: who.org,
      live_after: head,
      last_seq: head,
      fold,
    });
    // `?after_seq=n` replays at once, before any live event can reach the socket.
    const afterSeq = afterSeqOf(new URL(request.url));
    if (afterSeq !== undefined) {
      if (afterSeq < head) {
        for (const event of replayAutomatonEvents(entries, id, afterSeq).events) {
          send(pair[1], event);
        }
      }
      const view = this.#views.view(id);
      if (view.ok && isFinal(view.status)) closeQuietly(pair[1], 1000, "done");
    }
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  /**
   * Handles a frame if `ws` is a watcher (true), else leaves it to the sessions (false). The
   * one frame is `resume {after_seq}`: the events after it up to the socket's start, in
   * order; a finished automaton's socket then closes. Anything else gets an `error` (seq 0).
   */
  receive(ws: WebSocket, data: string | ArrayBuffer): boolean {
    const watcher = this.#watcher(ws);
    if (!watcher) return false;
    const base = { automaton_id: watcher.automaton_id, seq: 0 };
    const frame = AutomatonResumeFrame.safeParse(parseJson(data));
    if (!frame.success) {
      send(ws, { type: "error", ...base, message: 'expected {"type":"resume","after_seq":n}' });
      return true;
    }
    const { after_seq } = frame.data;
    const { live_after: until, automaton_id: id } = watcher;
    if (after_seq < until) {
      const from = Math.max(1, until - RESUME_LIMIT + 1);
      const entries = this.#store.entriesFrom(from, until - from + 1);
      for (const event of replayAutomatonEvents(entries, id, after_seq).events) send(ws, event);
    }
    const view = this.#views.view(id);
    if (view.ok && isFinal(view.status)) closeQuietly(ws, 1000, "done");
    return true;
  }

  /** Sends each watcher the events of newly committed entries; closes it after `done`. */
  observe(entries: readonly RecordEntry[]): void {
    for (const ws of this.#ctx.getWebSockets(TAG)) {
      const watcher = this.#watcher(ws);
      if (!watcher) continue;
      let { fold, last_seq } = watcher;
      let ended = false;
      for (const entry of entries) {
        if (entry.seq <= last_seq) continue;
        const step = automatonEntryEvents(fold, entry, watcher.automaton_id, { live: true });
        fold = step.fold;
        last_seq = entry.seq;
        for (const event of step.events) send(ws, event);
        ended ||= step.events.some(endsStream);
      }
      this.#save(ws, { ...watcher, fold, last_seq });
      if (ended) closeQuietly(ws, 1000, "done");
    }
  }

  /**
   * Takes the loop's frames as the sessions broadcast them: model text of a watched
   * automaton's tick goes to its watchers as `text_delta` with the tick's seq.
   */
  live(frames: readonly ServerFrame[]): void {
    const texts = frames.filter((f) => f.type === "text_delta");
    if (texts.length === 0) return;
    for (const ws of this.#ctx.getWebSockets(TAG)) {
      const watcher = this.#watcher(ws);
      if (!watcher || !watchesText(watcher.fold)) continue;
      const base = { automaton_id: watcher.automaton_id, seq: watcher.fold.tick_seq };
      for (const { text } of texts) send(ws, { type: "text_delta", ...base, text });
    }
  }

  #watcher(ws: WebSocket): Watcher | undefined {
    let known = this.#cache.get(ws);
    if (known === undefined) {
      const parsed = Watcher.safeParse(ws.deserializeAttachment());
      known = parsed.success ? parsed.data : null;
      this.#cache.set(ws, known);
    }
    return known ?? undefined;
  }

  #save(ws: WebSocket, watcher: Watcher & { fold: WatchFold }): void {
    ws.serializeAttachment(watcher);
    this.#cache.set(ws, watcher);
  }
}

function send(ws: WebSocket, event: AutomatonStreamEvent): void {
  try {
    ws.send(JSON.stringify(event));
  } catch {
    // Closed or closing: its close event cleans up.
  }
}

function parseJson(data: string | ArrayBuffer): unknown {
  try {
    return JSON.parse(typeof data === "string" ? data : new TextDecoder().decode(data));
  } catch {
    return undefined;
  }
}

/** The `after_seq` query of an upgrade (the Worker already refused a malformed one). */
function afterSeqOf(url: URL): number | undefined {
  const raw = url.searchParams.get("after_seq");
  if (raw === null || !/^[0-9]{1,15}$/.test(raw)) return undefined;
  return Number(raw);
}
