import { base64ToText, textToBase64 } from "../core/base64.js";
import { canonicalJson } from "../core/canonical-json.js";
import { hashCanonical } from "../core/hash.js";
import type { RecordEntry, Transaction } from "../core/record.js";
import {
  evolve,
  initialState,
  type ProjectCommand,
  type ProjectEvent,
  type ProjectState,
} from "./project-events.js";

/** `payload.type` of a project mutation's record entry. */
export const PROJECT_MUTATION = "project_mutation";

/** What one project entry records: the command's type, who asked, and the events. */
export interface MutationPayload {
  type: typeof PROJECT_MUTATION;
  command: ProjectCommand["type"];
  events: ProjectEvent[];
}

/**
 * The `system` transaction of one accepted mutation. A project record uses the agent record's
 * shape: `agent_id` holds the project id. Its id is derived from the project, the seq it will
 * take, the time and the payload, so it is unique within the record.
 *
 * @example
 * const tx = mutationTransaction({ project_id, seq: 1, now, command: "create_project", events });
 */
export function mutationTransaction(input: {
  project_id: string;
  seq: number;
  now: number;
  command: ProjectCommand["type"];
  events: ProjectEvent[];
  sub?: string;
}): Transaction {
  const body: MutationPayload = {
    type: PROJECT_MUTATION,
    command: input.command,
    events: input.events,
  };
  const payload = textToBase64(canonicalJson(body));
  const tx: Transaction = {
    hash: hashCanonical({
      project_id: input.project_id,
      seq: input.seq,
      ts_ms: input.now,
      payload,
    }),
    agent_id: input.project_id,
    ts_ms: input.now,
    tx_type: "system",
    payload,
  };
  if (input.sub !== undefined) tx.sub = input.sub;
  return tx;
}

/**
 * The events one entry records, or an error message when its payload is not a mutation.
 *
 * @example
 * const events = eventsOf(entry); // ProjectEvent[] | string
 */
export function eventsOf(entry: RecordEntry): ProjectEvent[] | string {
  try {
    const body = JSON.parse(base64ToText(entry.tx.payload)) as Partial<MutationPayload>;
    if (body.type !== PROJECT_MUTATION || !Array.isArray(body.events)) {
      return `entry ${entry.seq} is not a project mutation`;
    }
    return body.events;
  } catch {
    return `entry ${entry.seq} has an unreadable payload`;
  }
}

/** Folds entries' events from the empty state; the first unreadable entry ends the fold. */
export function foldEntries(
  state: ProjectState | undefined,
  entry: RecordEntry,
): ProjectState | string {
  const events = eventsOf(entry);
  if (typeof events === "string") return events;
  return events.reduce(evolve, state ?? initialState());
}

/**
 * A state as canonical JSON, items sorted by id: two states are equal when these texts are.
 *
 * @example
 * stateDigest(folded) === stateDigest(loaded); // the tables match the record
 */
export function stateDigest(state: ProjectState): string {
  const byId = <T extends { id: string }>(items: Iterable<T>) =>
    [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return hashCanonical({
    project: state.project ?? null,
    deleted: state.deleted,
    specs: byId(state.specs.values()),
    tasks: byId(state.tasks.values()),
  });
}
