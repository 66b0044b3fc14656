/**
 * Arms the object's one alarm for `atMs` unless one at or before it is already pending: the
 * drain's backstop and every automaton's next due time share the alarm, and the earliest
 * wins (whoever the alarm wakes re-arms for what is left).
 *
 * @example
 * await wakeAt(ctx.storage, Date.now() + 60_000);
 */
export async function wakeAt(storage: DurableObjectStorage, atMs: number): Promise<void> {
  const pending = await storage.getAlarm();
  if (pending !== null && pending <= atMs) return;
  await storage.setAlarm(atMs);
}
