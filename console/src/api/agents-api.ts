import { z } from "zod";
import { RecordEntry } from "../../../src/core/record.js";
import {
  AgentHead,
  AgentSummary,
  type CreateAgentRequest,
  VerifyReport,
} from "../../../src/protocol/agents.js";
import type { HttpClient } from "./http-client.js";

const AgentIdAnswer = z.object({ agent_id: z.string() });
const ApprovalAnswer = z.object({ tool_use_id: z.string(), approved: z.boolean() });

/** Largest page `GET /agents/:id/record` answers. */
export const RECORD_PAGE = 1000;

/**
 * The agent routes of the HTTP API (docs/protocol.md), typed by the protocol's schemas.
 *
 * @example
 * const agents = new AgentsApi(http);
 * const { agent_id } = await agents.create({ name: "helper", policy: "strict" });
 */
export class AgentsApi {
  constructor(private readonly http: HttpClient) {}

  list(): Promise<AgentSummary[]> {
    return this.http.get("/agents", z.array(AgentSummary));
  }

  create(request: CreateAgentRequest): Promise<{ agent_id: string }> {
    return this.http.post("/agents", request, AgentIdAnswer);
  }

  head(agentId: string): Promise<AgentHead> {
    return this.http.get(`/agents/${agentId}/head`, AgentHead);
  }

  /** Entries `fromSeq..` in seq order, at most {@link RECORD_PAGE}. */
  record(agentId: string, fromSeq: number, limit = RECORD_PAGE): Promise<RecordEntry[]> {
    return this.http.get(
      `/agents/${agentId}/record?from_seq=${fromSeq}&limit=${limit}`,
      z.array(RecordEntry),
    );
  }

  verify(agentId: string): Promise<VerifyReport> {
    return this.http.get(`/agents/${agentId}/verify`, VerifyReport);
  }

  fork(agentId: string, atSeq: number): Promise<{ agent_id: string }> {
    return this.http.post(`/agents/${agentId}/fork`, { at_seq: atSeq }, AgentIdAnswer);
  }

  approve(agentId: string, toolUseId: string, approved: boolean) {
    return this.http.post(
      `/agents/${agentId}/approvals/${encodeURIComponent(toolUseId)}`,
      { approved },
      ApprovalAnswer,
    );
  }
}
