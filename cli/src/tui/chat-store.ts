import { type ChatEvent, type ChatState, chatReducer } from "./chat-state.js";

/** The chat state outside React: the session shell dispatches, the app subscribes. */
export interface ChatStore {
  getState(): ChatState;
  dispatch(event: ChatEvent): void;
  subscribe(listener: () => void): () => void;
}

/**
 * A store folding events with {@link chatReducer}; listeners run after each change.
 *
 * @example
 * const store = createChatStore(initialChatState());
 * store.dispatch({ type: "notice", text: "hello" });
 */
export function createChatStore(initial: ChatState): ChatStore {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    dispatch(event) {
      const next = chatReducer(state, event);
      if (next === state) return;
      state = next;
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
