import { z } from "zod";
import { closeQuietly } from "../../src/core/close-socket.js";
import type { ServerFrame } from "../../src/protocol/stream.js";
import { audienceOf, type FrameAudience, frameFor } from "../../src/session/frame-audience.js";
import {
  initialSessionState,
  restoreSessionState,
  type SessionState,
} from "../../src/session/session-state.js";
import { CALLER_HEADERS } from "../stubs.js";
import { sessionCapRefusal } from "./session-cap.js";

/**
 * What a socket's attachment holds (it survives hibernation; at most 16 KiB): who connected,
 * to which agent, the caller's JWT (memory of the runtime, never recorded: proxy-mode model
 * calls forward it) and the session state.
 */
export interface SocketMeta {
  org: string;
  agent_id: string;
  sub: string;
  jwt?: string;
  /** The head when the session started: later entries reach this socket live. */
  live_after?: number;
  session: SessionState;
}

const Attachment = z.object({
  org: z.string(),
  agent_id: z.string(),
  sub: z.string(),
  jwt: z.string().optional(),
  live_after: z.number().int().nonnegative().optional(),
  session: z.unknown(),
});

/**
 * The agent's WebSocket sessions, accepted with the hibernation API: the runtime keeps the
 * sockets while the object sleeps, and each socket's {@link SocketMeta} lives in its
 * attachment. Frames are serialised once and sent to every initialised socket in the same
 * order, so every watcher sees the same sequence. Every frame passes {@link frameFor}: a
 * socket whose `session_init` did not opt in (`aura_extensions`) gets only the frame types and
 * error codes the reference defines.
 */
export class SessionHub {
  readonly #ctx: DurableObjectState;
  /** Sockets open, when known (a wake forgets it; counted again on first use). */
  #count?: number;
  /**
   * Each socket's audience once read from its attachment, null while it has no session (a
   * wake forgets it).
   */
  readonly #audiences = new WeakMap<WebSocket, FrameAudience | null>();

  /** Sees every broadcast (automaton watchers take the loop's model text from it). */
  tap?: (frames: readonly ServerFrame[]) => void;

  constructor(ctx: DurableObjectState) {
    this.#ctx = ctx;
  }

  /**
   * Accepts a `/stream` upgrade the Worker forwarded (it checked the token and names the
   * caller in headers only it can set): 101 with the client's end, or why not — a 429
   * `rate_limited` when `maxSessions` sessions are already open.
   */
  acceptUpgrade(request: Request, maxSessions: number): Response {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("expected a WebSocket upgrade", { status: 426 });
    }
    const who = socketCaller(request.headers);
    if (!who) return new Response("missing caller", { status: 400 });
    const full = sessionCapRefusal(this.#sessionCount(), maxSessions);
    if (full) return full;
    const pair = new WebSocketPair();
    this.accept(pair[1], who);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  /** Accepts a new socket for `who`, not yet initialised. */
  accept(ws: WebSocket, who: Omit<SocketMeta, "session">): void {
    this.#ctx.acceptWebSocket(ws);
    this.save(ws, { ...who, session: initialSessionState() });
    this.#count = this.#sockets().length;
  }

  /** The socket's meta, from its attachment. */
  meta(ws: WebSocket): SocketMeta | undefined {
    const parsed = Attachment.safeParse(ws.deserializeAttachment());
    if (!parsed.success) return undefined;
    const meta: SocketMeta = {
      org: parsed.data.org,
      agent_id: parsed.data.agent_id,
      sub: parsed.data.sub,
      session: restoreSessionState(parsed.data.session),
    };
    if (parsed.data.jwt !== undefined) meta.jwt = parsed.data.jwt;
    if (parsed.data.live_after !== undefined) meta.live_after = parsed.data.live_after;
    return meta;
  }

  /** Stores the socket's meta in its attachment. */
  save(ws: WebSocket, meta: SocketMeta): void {
    ws.serializeAttachment(meta);
    this.#audiences.set(ws, audienceOfMeta(meta));
  }

  /** Notes that a socket closed or failed, completing its close when `close` is given. */
  closed(ws?: WebSocket, close?: { code: number; reason: string }): void {
    this.#count = undefined;
    if (ws && close) closeQuietly(ws, close.code, close.reason);
  }

  /** True when at least one socket is open. */
  hasSockets(): boolean {
    this.#count ??= this.#sockets().length;
    return this.#count > 0;
  }

  /**
   * True when at least one socket has a session that opted in to `approval_request`: someone
   * an approval request reaches.
   */
  hasWatchers(): boolean {
    return this.hasSockets() && this.#sockets().some((ws) => this.#audience(ws) === "extended");
  }

  /**
   * Sends one frame to one socket, as its audience may receive it (see {@link frameFor}); a
   * socket that is gone is skipped. `audience` overrides the socket's own: the answer to a
   * `session_init` that has not started its session yet follows that frame's opt-in.
   */
  send(ws: WebSocket, frame: ServerFrame, audience?: FrameAudience): void {
    const shown = frameFor(audience ?? this.#audience(ws) ?? "reference", frame);
    if (shown !== undefined) sendText(ws, JSON.stringify(shown));
  }

  /**
   * Sends frames, in order, to every socket that has a session, each as its audience may
   * receive them, and shows them all to {@link tap}.
   */
  broadcast(frames: readonly ServerFrame[]): void {
    if (frames.length === 0) return;
    this.tap?.(frames);
    if (!this.hasSockets()) return;
    const texts = new Map<FrameAudience, string[]>();
    const textsFor = (audience: FrameAudience): string[] => {
      let shown = texts.get(audience);
      if (shown === undefined) {
        shown = frames.flatMap((frame) => {
          const seen = frameFor(audience, frame);
          return seen === undefined ? [] : [JSON.stringify(seen)];
        });
        texts.set(audience, shown);
      }
      return shown;
    };
    for (const ws of this.#sockets()) {
      const audience = this.#audience(ws);
      if (audience === null) continue;
      for (const text of textsFor(audience)) sendText(ws, text);
    }
  }

  #sockets(): WebSocket[] {
    return this.#ctx.getWebSockets();
  }

  /** `/stream` sessions open (sockets with session data; automaton watchers have none). */
  #sessionCount(): number {
    return this.#sockets().filter((ws) => this.meta(ws) !== undefined).length;
  }

  #audience(ws: WebSocket): FrameAudience | null {
    let known = this.#audiences.get(ws);
    if (known === undefined) {
      const meta = this.meta(ws);
      known = meta ? audienceOfMeta(meta) : null;
      this.#audiences.set(ws, known);
    }
    return known;
  }
}

/** A socket's audience from its meta: null until its session starts. */
function audienceOfMeta(meta: SocketMeta): FrameAudience | null {
  const { session } = meta;
  if (session.session_id === null) return null;
  return audienceOf(session.settings?.aura_extensions);
}

function sendText(ws: WebSocket, text: string): void {
  try {
    ws.send(text);
  } catch {
    // Closed or closing: its close event cleans up.
  }
}

/** Who a forwarded upgrade is for, from {@link CALLER_HEADERS}. */
export function socketCaller(headers: Headers): Omit<SocketMeta, "session"> | undefined {
  const org = headers.get(CALLER_HEADERS.org);
  const sub = headers.get(CALLER_HEADERS.sub);
  const agent = headers.get(CALLER_HEADERS.agent);
  if (org === null || sub === null || agent === null) return undefined;
  const jwt = headers.get(CALLER_HEADERS.jwt);
  return { org, sub, agent_id: agent, ...(jwt === null ? {} : { jwt }) };
}
