import { type ChatEvent, type ChatState, chatReducer } from "./chat-state.js";

/** The chat state outside React: the session shell dispatches, the app subscribes. */
export interface ChatStore {
  getState(): ChatState;
  dispatch(event: ChatEvent): void;
  subscribe(listener: () => void): () => void;
}

/**
 * A store folding events with {@link chatReducer}. The state changes at once; listeners run
 * once per microtask checkpoint however many events came in it, so frames that arrive
 * together (one socket read holds several) cost one render, not one each.
 *
 * @example
 * const store = createChatStore(initialChatState());
 * store.dispatch({ type: "notice", text: "hello" });
 */
export function createChatStore(initial: ChatState): ChatStore {
  let state = initial;
  const listeners = new Set<() => void>();
  let scheduled = false;
  const notify = () => {
    scheduled = false;
    for (const listener of listeners) listener();
  };
  return {
    getState: () => state,
    dispatch(event) {
      const next = chatReducer(state, event);
      if (next === state) return;
      state = next;
      if (!scheduled) {
        scheduled = true;
        queueMicrotask(notify);
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
