import { AuraError, type Result } from "../../src/core/errors.js";
import type { RecordEntry } from "../../src/core/record.js";
import type { AgentSettings } from "../../src/protocol/agents.js";
import { agentStub } from "../stubs.js";
import type { AgentAddress } from "./admission.js";
import type { ForkSource } from "./fork.js";

/** What a fork takes from its source agent before copying: its settings and window. */
export interface ForkInfo {
  settings: AgentSettings;
  window_size: number;
}

/**
 * The source of a fork, over RPC to its object: what the fork needs of its settings, and its
 * record page by page. RPC results lose the discriminated union's narrowing; the declared
 * types are restated here, once.
 */
export function forkSourceOf(
  env: Env,
  source: AgentAddress,
  atSeq: number,
): { info(): Promise<Result<ForkInfo>>; pages: ForkSource } {
  const stub = agentStub(env, source.org, source.agent_id);
  return {
    info: async () => (await stub.forkInfo(source, atSeq)) as Result<ForkInfo>,
    pages: {
      page: async (fromSeq, limit) => {
        const page = (await stub.record(source, fromSeq, limit)) as Result<{ json: string }>;
        if (!page.ok) throw new AuraError(page.code, page.message);
        return JSON.parse(page.json) as RecordEntry[];
      },
    },
  };
}
