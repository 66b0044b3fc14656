/**
 * @typedef {object} ClientTurn What one client received of one turn, with receive times.
 * @property {number | undefined} promptAt The `record` frame of the turn's `user_prompt`.
 * @property {number[]} deltaAts Each `text_delta`, in order.
 * @property {string[]} deltaTexts
 * @property {number | undefined} endAt `assistant_message_end`.
 * @property {number | undefined} doneAt The `record` frame of the turn's `agent_msg`: the
 *   last frame of a mock turn.
 * @property {string[]} errors `error` frames, as `code: message`.
 */

/**
 * @typedef {object} TurnRun
 * @property {number} sentAt When the sender's `user_message` left (`performance.now()`).
 * @property {ClientTurn[]} clients In the order of the clients given.
 * @property {boolean} timedOut Some client still waited for the turn's end after the timeout.
 */

/**
 * Runs one turn seen by every client: `sender` sends a `user_message`, and every client
 * keeps, with its receive time, what the turn brings it — the `record` of the `user_prompt`,
 * each `text_delta`, `assistant_message_end` and the `record` of the closing `agent_msg`.
 * Resolves once every client has that last frame, once any got an `error` frame, or after
 * `timeoutMs` with what arrived: the caller counts what is missing. Earlier turns must be
 * over: the frames are told apart by type, not by turn.
 *
 * @example
 * const run = await runTurn({ clients, sender: clients[0], content: "hi", timeoutMs: 30_000 });
 * run.clients.map((c) => c.promptAt - run.sentAt); // commit → delivery, per client
 * @param {{ clients: import("./stream-client.mjs").StreamClient[],
 *   sender: import("./stream-client.mjs").StreamClient, content: string, timeoutMs: number }} options
 * @returns {Promise<TurnRun>}
 */
export function runTurn({ clients, sender, content, timeoutMs }) {
  /** @type {ClientTurn[]} */
  const seen = clients.map(() => ({
    promptAt: undefined,
    deltaAts: [],
    deltaTexts: [],
    endAt: undefined,
    doneAt: undefined,
    errors: [],
  }));
  let waiting = clients.length;
  return new Promise((resolve) => {
    const finish = (/** @type {boolean} */ timedOut) => {
      clearTimeout(timer);
      for (const client of clients) client.handle = undefined;
      resolve({ sentAt, clients: seen, timedOut });
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    clients.forEach((client, i) => {
      const mine = /** @type {ClientTurn} */ (seen[i]);
      client.handle = (frame, at) => {
        switch (frame.type) {
          case "record":
            if (frame.tx_type === "user_prompt") mine.promptAt ??= at;
            else if (frame.tx_type === "agent_msg" && mine.doneAt === undefined) {
              mine.doneAt = at;
              if (--waiting === 0) finish(false);
            }
            return;
          case "text_delta":
            mine.deltaAts.push(at);
            mine.deltaTexts.push(String(frame.text));
            return;
          case "assistant_message_end":
            mine.endAt ??= at;
            return;
          case "error":
            mine.errors.push(`${frame.code}: ${frame.message}`);
            finish(false);
            return;
        }
      };
    });
    const sentAt = performance.now();
    sender.send({ type: "user_message", content });
  });
}
