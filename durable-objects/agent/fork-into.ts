import { fail, type Result } from "../../src/core/errors.js";
import { type AgentAddress, newAgentMeta } from "./admission.js";
import type { AgentStore } from "./agent-store.js";
import { copyForkPrefix } from "./fork.js";
import { forkSourceOf } from "./fork-source.js";

/** `forkFrom`: this (new) agent becomes a fork of another agent of the same org. */
export interface ForkInput extends AgentAddress {
  source_agent_id: string;
  at_seq: number;
  now: number;
}

/**
 * Makes the (empty) agent of `store` a fork of `source_agent_id` at `at_seq`: entries
 * `1..at_seq` copied verbatim (verified while copying), then the metadata row with the head
 * there. `openTurn` says the prefix leaves a turn unfinished, for the drain to finish from
 * what it recorded.
 *
 * @example
 * const forked = await forkInto(env, store, { org, agent_id, source_agent_id, at_seq: 12, now });
 * if (forked.ok && forked.openTurn) schedule.soon();
 */
export async function forkInto(
  env: Env,
  store: AgentStore,
  input: ForkInput,
): Promise<Result<{ openTurn: boolean }>> {
  const source = forkSourceOf(
    env,
    { org: input.org, agent_id: input.source_agent_id },
    input.at_seq,
  );
  const info = await source.info();
  if (!info.ok) return info;
  const copied = await copyForkPrefix(source.pages, input.at_seq, info.window_size, (entries) =>
    store.insertForkedEntries(entries),
  );
  if ("error" in copied) return fail("conflict", copied.error);
  // A fork is nobody's child: only the spawned agent itself answers its parent.
  const { parent: _parent, ...settings } = info.settings;
  const meta = newAgentMeta(input, settings, info.window_size);
  store.create({
    ...meta,
    head_seq: copied.head.seq,
    head_hash: copied.head.hash,
    open_turn_seq: copied.openTurnSeq,
  });
  return { ok: true, openTurn: copied.openTurnSeq !== null };
}
