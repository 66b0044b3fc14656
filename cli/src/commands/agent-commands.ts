import type { Command } from "commander";
import { CLIENT_TX_TYPES, type ClientTxType } from "../../../src/core/record.js";
import { CliError, EXIT } from "../exit-codes.js";
import { recordLine, recordRow } from "../output/record-text.js";
import { AGENT_COLUMNS } from "../slash/run-slash.js";
import { connection, type GlobalOptions, outputFor, resolveAgent, wholeNumber } from "./context.js";
import type { Runner } from "./runner.js";
import { verifyExportFile } from "./verify-file.js";

const RECORD_HEADER = { seq: "SEQ", tx_type: "TYPE", hash: "HASH", text: "TEXT" };

/** `aura agents | tx | record | verify | fork | approvals | approve | deny`. */
export function addAgentCommands(program: Command, run: Runner): void {
  program
    .command("agents")
    .description("list the agents of your org")
    .action(
      run(async (opts: GlobalOptions) => {
        const { api } = connection(opts);
        const out = outputFor(opts);
        const agents = await api.listAgents();
        if (out.json) for (const agent of agents) out.object(agent);
        else if (agents.length === 0) out.line("no agents yet");
        else
          out.table(
            AGENT_COLUMNS,
            agents.map((a) => ({ ...a, created: new Date(a.created_at).toISOString() })),
          );
      }),
    );

  program
    .command("tx")
    .description(`submit a transaction (KIND: ${CLIENT_TX_TYPES.join(", ")}); prints its tx_id`)
    .argument("<agent>", "agent id (or a unique prefix, or its name)")
    .argument("<kind>", "transaction kind")
    .argument("<text>", "payload text (UTF-8)")
    .option("--wait", "wait until the transaction is processed")
    .option("--timeout <seconds>", "give up waiting after this long", "120")
    .option("--idempotency-key <key>", "the same key again gives the same tx_id")
    .action(
      run(async (agent: string, kind: string, text: string, opts: TxOptions) => {
        if (!(CLIENT_TX_TYPES as readonly string[]).includes(kind)) {
          throw new CliError(
            EXIT.usage,
            `KIND must be one of ${CLIENT_TX_TYPES.join(", ")}, not ${kind}`,
          );
        }
        const { api } = connection(opts);
        const out = outputFor(opts);
        const agentId = /^[0-9a-f]{64}$/.test(agent) ? agent : await resolveAgent(api, agent);
        const timeoutMs = wholeNumber(opts.timeout, "--timeout") * 1000;
        const { tx_id } = await api.submitTx(
          agentId,
          kind as ClientTxType,
          text,
          opts.idempotencyKey,
        );
        if (!opts.wait) {
          if (out.json) out.object({ agent_id: agentId, tx_id });
          else out.line(tx_id);
          return;
        }
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const status = await api.txStatus(agentId, tx_id);
          if (status.status === "processed" || status.status === "failed") {
            if (out.json) out.object({ agent_id: agentId, ...status });
            else out.line(`${tx_id} ${status.status}${status.seq ? ` at seq ${status.seq}` : ""}`);
            if (status.status === "failed") {
              throw new CliError(
                EXIT.failure,
                `transaction failed: ${status.error ?? "no reason given"}`,
              );
            }
            return;
          }
          if (Date.now() > deadline) {
            throw new CliError(
              EXIT.failure,
              `${tx_id} still ${status.status} after ${opts.timeout} s`,
            );
          }
          await sleep(250);
        }
      }),
    );

  program
    .command("record")
    .description("print an agent's record (one entry per line)")
    .argument("<agent>", "agent id (or a unique prefix, or its name)")
    .option("--from <seq>", "first seq", "1")
    .option("--follow", "keep printing new entries until interrupted")
    .option("--interval <ms>", "how often --follow asks for new entries", "500")
    .action(
      run(async (agent: string, opts: RecordOptions) => {
        const { api } = connection(opts);
        const out = outputFor(opts);
        const agentId = await resolveAgent(api, agent);
        let next = wholeNumber(opts.from, "--from");
        const interval = wholeNumber(opts.interval, "--interval", 50);
        let header = false;
        const print = (entry: Parameters<typeof recordRow>[0]) => {
          if (out.json) out.object(entry);
          else {
            if (!header) out.line(out.color.bold(recordLine(RECORD_HEADER, out.width)));
            header = true;
            out.line(recordLine(recordRow(entry), out.width));
          }
          next = entry.seq + 1;
        };
        await api.head(agentId); // an unknown agent is not_found, not an empty record
        for await (const entry of api.recordFrom(agentId, next)) print(entry);
        if (!opts.follow) return;
        let stop = false;
        const onSignal = () => {
          stop = true;
        };
        process.once("SIGINT", onSignal);
        process.once("SIGTERM", onSignal);
        try {
          while (!stop) {
            await sleep(interval);
            for await (const entry of api.recordFrom(agentId, next)) print(entry);
          }
        } finally {
          process.off("SIGINT", onSignal);
          process.off("SIGTERM", onSignal);
        }
      }),
    );

  program
    .command("verify")
    .description("re-check an agent's hash chain: ok and the head seq, or the first bad seq")
    .argument("[agent]", "agent id (or a unique prefix, or its name)")
    .option("--file <file>", "re-check an export (aura's NDJSON record) here, with no server")
    .action(
      run(async (agent: string | undefined, opts: VerifyOptions) => {
        const out = outputFor(opts);
        if ((agent === undefined) === (opts.file === undefined)) {
          throw new CliError(EXIT.usage, "give an AGENT or --file FILE (one of them)");
        }
        if (opts.file !== undefined) return verifyExportFile(opts.file, out);
        if (agent === undefined) return;
        const { api } = connection(opts);
        const agentId = await resolveAgent(api, agent);
        const report = await api.verify(agentId);
        if (out.json) out.object({ agent_id: agentId, ...report });
        else if (report.ok) out.line(`${out.color.green("ok")} ${report.head_seq}`);
        else
          out.line(`${out.color.red("bad")} ${report.first_bad_seq ?? "?"} ${report.reason ?? ""}`);
        if (!report.ok) {
          throw new CliError(
            EXIT.verify_failed,
            `record of ${agentId} does not verify at seq ${report.first_bad_seq ?? "?"}: ${report.reason ?? "no reason given"}`,
          );
        }
      }),
    );

  program
    .command("fork")
    .description("fork an agent at SEQ; prints the new agent's id")
    .argument("<agent>", "agent id (or a unique prefix, or its name)")
    .argument("<seq>", "last entry the fork keeps")
    .action(
      run(async (agent: string, seqText: string, opts: GlobalOptions) => {
        const seq = wholeNumber(seqText, "SEQ");
        const { api } = connection(opts);
        const out = outputFor(opts);
        const agentId = await resolveAgent(api, agent);
        const { agent_id } = await api.fork(agentId, seq);
        if (out.json) out.object({ source_agent_id: agentId, at_seq: seq, agent_id });
        else out.line(agent_id);
      }),
    );

  program
    .command("approvals")
    .description("the tool calls waiting for a person")
    .argument("<agent>", "agent id (or a unique prefix, or its name)")
    .action(
      run(async (agent: string, opts: GlobalOptions) => {
        const { api } = connection(opts);
        const out = outputFor(opts);
        const agentId = await resolveAgent(api, agent);
        const { approvals } = await api.approvals(agentId);
        if (out.json) for (const a of approvals) out.object({ agent_id: agentId, ...a });
        else if (approvals.length === 0) out.line("nothing waits for approval");
        else
          out.table(
            [
              { key: "tool_use_id", header: "TOOL_USE_ID" },
              { key: "tool", header: "TOOL" },
              { key: "reason", header: "REASON" },
              { key: "args", header: "ARGS" },
            ],
            approvals,
          );
      }),
    );

  for (const [name, approved] of [
    ["approve", true],
    ["deny", false],
  ] as const) {
    program
      .command(name)
      .description(`${name} a tool call waiting for a person`)
      .argument("<agent>", "agent id (or a unique prefix, or its name)")
      .argument("<tool_use_id>", "as `aura approvals` lists it")
      .action(
        run(async (agent: string, toolUseId: string, opts: GlobalOptions) => {
          const { api } = connection(opts);
          const out = outputFor(opts);
          const agentId = await resolveAgent(api, agent);
          const reply = await api.answerApproval(agentId, toolUseId, approved);
          if (out.json) out.object(reply);
          else out.line(`${approved ? "approved" : "denied"} ${toolUseId} (seq ${reply.seq})`);
        }),
      );
  }
}

interface VerifyOptions extends GlobalOptions {
  file?: string;
}

interface TxOptions extends GlobalOptions {
  wait?: boolean;
  timeout: string;
  idempotencyKey?: string;
}

interface RecordOptions extends GlobalOptions {
  from: string;
  follow?: boolean;
  interval: string;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
