import { canonicalJson } from "../core/canonical-json.js";
import type { RecordEntry } from "../core/record.js";
import type { SerializedEntry } from "../kernel/step.js";

/**
 * An entry with the canonical texts the record table stores, for copying an entry verbatim
 * (a fork, an import): the stored texts are the ones its hash was computed over.
 *
 * @example
 * store.insertForkedEntries(page.map(serializeEntry));
 */
export function serializeEntry(entry: RecordEntry): SerializedEntry {
  return {
    entry,
    txText: canonicalJson(entry.tx),
    bodyText: canonicalJson({
      actions: entry.actions,
      decision: entry.decision,
      effects: entry.effects,
      proposals: entry.proposals,
    }),
  };
}
