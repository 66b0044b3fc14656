/**
 * Frames a test client received, in order, and promises for the first one of a type. Pure (no
 * socket, no Node module): the Workers tier runs it inside workerd and the end-to-end tier in
 * Node, each pushing what its own socket delivers.
 */

/** A frame with a `type` that tells its kind (`ServerFrame`, the reference's `OutboundMessage`). */
export interface TypedFrame {
  type: string;
}

/** Which frame {@link FrameWaiter.next} waits for, and for how long. */
export interface NextOptions<F> {
  /** Frames before this index are not looked at (default 0). */
  from?: number;
  /** Only a frame for which this holds is taken. */
  where?: (frame: F) => boolean;
  /** Default: the waiter's own. */
  timeoutMs?: number;
}

/** How a {@link FrameWaiter} waits and what its timeout error says. */
export interface FrameWaiterOptions<F> {
  /** How long {@link FrameWaiter.next} waits by default. */
  timeoutMs: number;
  /** What a timeout says was received instead (default: each frame's type, comma-separated). */
  received?: (frames: readonly F[]) => string;
}

/**
 * Buffers frames as they arrive and resolves each waiter with the first frame of its type at or
 * after its `from` index, whether it came before or after the call.
 *
 * @example
 * const waiter = new FrameWaiter<ServerFrame>({ timeoutMs: 10_000 });
 * ws.addEventListener("message", (event) => waiter.push(JSON.parse(String(event.data))));
 * const ready = await waiter.next("session_ready"); // rejects "no session_ready frame within 10 s; got error"
 */
export class FrameWaiter<F extends TypedFrame> {
  /** Every frame pushed, in order. */
  readonly frames: F[] = [];
  readonly #waiters = new Set<() => void>();
  readonly #options: FrameWaiterOptions<F>;

  constructor(options: FrameWaiterOptions<F>) {
    this.#options = options;
  }

  /** Keeps `frame` and wakes every waiter to look at it. */
  push(frame: F): void {
    this.frames.push(frame);
    for (const wake of this.#waiters) wake();
  }

  /**
   * The first frame of `type` at or after `from` for which `where` holds; rejects naming the
   * type and what was received when none comes within the timeout.
   */
  next<T extends F["type"]>(
    type: T,
    options: NextOptions<Extract<F, { type: T }>> = {},
  ): Promise<Extract<F, { type: T }>> {
    type Wanted = Extract<F, { type: T }>;
    const { from = 0, where, timeoutMs = this.#options.timeoutMs } = options;
    const find = () =>
      this.frames
        .slice(from)
        .find((f): f is Wanted => f.type === type && (where?.(f as Wanted) ?? true));
    return new Promise<Wanted>((resolve, reject) => {
      const check = () => {
        const hit = find();
        if (!hit) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve(hit);
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        const received = this.#options.received ?? typesOf;
        reject(
          new Error(`no ${type} frame within ${timeoutMs / 1000} s; got ${received(this.frames)}`),
        );
      }, timeoutMs);
      this.#waiters.add(check);
      check();
    });
  }
}

/** Each frame's type, comma-separated. */
function typesOf(frames: readonly TypedFrame[]): string {
  return frames.map((f) => f.type).join(",");
}
