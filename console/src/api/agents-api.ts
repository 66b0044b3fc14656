import { z } from "zod";
import { RecordEntry } from "../../../src/core/record.js";
import {
  AgentHead,
  AgentSummary,
  type CreateAgentRequest,
  VerifyReport,
} from "../../../src/protocol/agents.js";
import { FilesResponse, ReadFileResponse } from "../../../src/protocol/sandbox.js";
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

  /** The agent's workspace tree from `path`, `depth` levels down. */
  files(agentId: string, path = ".", depth = 6): Promise<FilesResponse> {
    const query = new URLSearchParams({ agent_id: agentId, path, depth: String(depth) });
    return this.http.get(`/api/files?${query}`, FilesResponse);
  }

  /** One file of the agent's workspace. */
  readFile(agentId: string, path: string): Promise<ReadFileResponse> {
    const query = new URLSearchParams({ agent_id: agentId, path });
    return this.http.get(`/api/read-file?${query}`, ReadFileResponse);
  }

  approve(agentId: string, toolUseId: string, approved: boolean) {
    return this.http.post(
      `/agents/${agentId}/approvals/${encodeURIComponent(toolUseId)}`,
      { approved },
      ApprovalAnswer,
    );
  }
}
