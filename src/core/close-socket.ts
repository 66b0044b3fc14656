/**
 * Closes a WebSocket without throwing: a code a peer cannot send back (1005 "no status",
 * 1006 "abnormal") becomes 1000, and a socket already closed is left as it is.
 *
 * @example
 * closeQuietly(ws, event.code, event.reason);
 */
export function closeQuietly(socket: WebSocket, code: number, reason: string): void {
  try {
    socket.close(code === 1005 || code === 1006 ? 1000 : code, reason);
  } catch {
    // Already closed.
  }
}
