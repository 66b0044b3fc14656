import { readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";

/**
 * What the numbers were measured on: they mean little without it.
 * @param {string} root The repository root.
 * @returns {Record<string, unknown>}
 */
export function environment(root) {
  const version = (/** @type {string} */ pkg) => {
    try {
      const file = join(root, "node_modules", pkg, "package.json");
      return /** @type {{ version: string }} */ (JSON.parse(readFileSync(file, "utf8"))).version;
    } catch {
      return "unknown";
    }
  };
  return {
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model ?? "unknown",
    memory_gib: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    wrangler: version("wrangler"),
    miniflare: version("miniflare"),
    workerd: version("workerd"),
  };
}

/**
 * Share of all CPUs busy (0..1) over the next `ms`, from the kernel's counters. Other
 * processes competing for the CPUs skew every number the bench prints.
 *
 * @example
 * await busyShare(1000); // 0.03 on an idle machine
 * @param {number} ms
 * @returns {Promise<number>}
 */
export async function busyShare(ms) {
  const total = () =>
    cpus().reduce(
      (acc, c) => {
        const t = c.times;
        acc.busy += t.user + t.nice + t.sys + t.irq;
        acc.all += t.user + t.nice + t.sys + t.irq + t.idle;
        return acc;
      },
      { busy: 0, all: 0 },
    );
  const before = total();
  await new Promise((r) => setTimeout(r, ms));
  const after = total();
  return (after.busy - before.busy) / Math.max(1, after.all - before.all);
}

/** The 1-minute load average, as a reading of how busy the machine was. */
export function loadAverage() {
  return Number((loadavg()[0] ?? 0).toFixed(2));
}

/** @param {import("./stats.mjs").Summary} s */
function numbers(s) {
  return {
    ok: s.ok,
    errors: s.errors,
    seconds: round(s.seconds, 3),
    per_second: round(s.perSecond, 1),
    p50_ms: round(s.p50Ms, 3),
    p99_ms: round(s.p99Ms, 3),
  };
}

/** @param {number | undefined} n @param {number} digits */
function round(n, digits) {
  return n === undefined || !Number.isFinite(n) ? null : Number(n.toFixed(digits));
}

/**
 * The machine-readable record of one run, written to `bench/results.json`.
 *
 * @example
 * writeFileSync("bench/results.json", JSON.stringify(buildResults(parts), null, 2));
 * @param {{
 *   environment: Record<string, unknown>,
 *   options: Record<string, unknown>,
 *   throughput: import("./report.mjs").RatedRow[],
 *   checks: import("./target-checks.mjs").TargetChecks,
 *   head: import("./head-scaling.mjs").HeadScaling | undefined,
 *   verify: import("./verify-rate.mjs").VerifyRate,
 *   tools: import("./tools.mjs").ToolRow[],
 *   stream: import("./stream.mjs").StreamResults,
 *   targets: Record<string, unknown>,
 *   seconds: number,
 * }} parts
 */
export function buildResults(parts) {
  return {
    generated_at: new Date().toISOString(),
    total_seconds: round(parts.seconds, 1),
    environment: parts.environment,
    options: parts.options,
    targets: parts.targets,
    admission: parts.throughput.map((r) => ({
      shape: r.shape.id,
      concurrency: r.shape.concurrency,
      objects: r.shape.objects,
      endpoint: r.target.id,
      ...numbers(r),
      ratio_vs_bare: round(r.ratio, 3),
      workerd_cpu_ms_per_request: round(r.cpuMsPerRequest, 3),
      cpu_ratio_vs_bare: round(r.cpuRatio, 3),
      backlog_drain_ms: round(r.drainMs, 0),
      first_error: r.firstError ?? null,
    })),
    admission_checks: parts.checks.admission.map(ratioCheck),
    turn_check: ratioCheck(parts.checks.turn),
    head_read: parts.head
      ? {
          seeded: parts.head.seeded.map((a) => ({
            agent_id: a.agentId,
            entries: a.entries,
            seconds: round(a.seconds, 1),
          })),
          runs: parts.head.rows.map((r) => ({
            entries: r.agent.entries,
            concurrency: r.concurrency,
            ...numbers(r),
            workerd_cpu_ms_per_request: round(r.cpuMsPerRequest, 4),
            first_error: r.firstError ?? null,
          })),
          ratios: parts.checks.head.map((r) => ({
            ...r,
            p50: round(r.p50, 3),
            throughput: round(r.throughput, 3),
            cpu: round(r.cpu, 3),
          })),
        }
      : null,
    verify: {
      agent_id: parts.verify.seeded.agentId,
      entries: parts.verify.seeded.entries,
      seed_seconds: round(parts.verify.seeded.seconds, 1),
      runs: parts.verify.runs.map((r) => ({
        checked: r.checked,
        ms: round(r.ms, 1),
        entries_per_second: round(r.entriesPerSecond, 0),
        workerd_cpu_ms: round(r.cpuMs, 0),
      })),
      p50_ms: round(parts.verify.p50Ms, 1),
      p50_entries_per_second: round(parts.verify.p50EntriesPerSecond, 0),
      p50_workerd_cpu_ms: round(parts.verify.p50CpuMs, 0),
      check: {
        entries: parts.checks.verify.entries,
        entries_per_second: round(parts.checks.verify.entriesPerSecond, 0),
        target: parts.checks.verify.target,
        met: parts.checks.verify.met,
        reduced: parts.checks.verify.reduced,
      },
    },
    tools: {
      runs: parts.tools.map((r) => ({
        operation: r.operation.id,
        path: r.path === "sandbox" ? "sandbox_direct" : "worker_to_sandbox",
        ...numbers(r),
        mean_ms: round(r.meanMs, 3),
        first_error: r.firstError ?? null,
      })),
      checks: parts.checks.tools.map((c) => ({
        operation: c.operation,
        p50_ms: round(c.p50Ms, 3),
        sandbox_direct_p50_ms: round(c.sandboxP50Ms, 3),
        target_p50_ms: c.target,
        met: c.met,
      })),
    },
    stream: streamResults(parts.stream, parts.checks.stream),
  };
}

/**
 * The `/stream` part of the record: the three phases and their checks.
 * @param {import("./stream.mjs").StreamResults} stream
 * @param {import("./target-checks.mjs").TargetChecks["stream"]} checks
 */
function streamResults(stream, checks) {
  const { fanOut, sessions, hibernation: h } = stream;
  /** @param {import("./stream-measures.mjs").Latency} l */
  const latency = (l) => ({
    samples: l.samples,
    prompt_record_p50_ms: round(l.p50Ms, 2),
    prompt_record_p99_ms: round(l.p99Ms, 2),
    turn_end_record_p50_ms: round(l.doneP50Ms, 2),
    turn_end_record_p99_ms: round(l.doneP99Ms, 2),
  });
  /** @param {import("./stream.mjs").Phase} p */
  const phase = (p) => ({
    clients: p.clients,
    turns: p.turns,
    warm_up_turns: stream.warmUpTurns,
    open_seconds: round(p.setupSeconds, 2),
    workerd_cpu_ms_per_turn: round(p.cpuMsPerTurn, 1),
    missing_events: p.missing,
    timed_out: p.timedOut,
  });
  return {
    clients_offer_permessage_deflate: stream.deflate,
    fan_out: {
      ...phase(fanOut),
      text_deltas: fanOut.spread.deltas,
      spread_p50_ms: round(fanOut.spread.p50Ms, 3),
      spread_p99_ms: round(fanOut.spread.p99Ms, 3),
      spread_max_ms: round(fanOut.spread.maxMs, 3),
    },
    sessions: { ...phase(sessions), ...latency(sessions.latency) },
    hibernation: {
      clients: h.clients,
      idle_seconds: round(h.idleSeconds, 1),
      eviction_observable: h.observable,
      evicted_after_seconds: round(h.evictedAfterSeconds, 1),
      received: h.received,
      reconnections: h.closed,
      missing_events: h.missing,
      timed_out: h.timedOut,
      ...latency(h.latency),
    },
    checks: {
      fan_out: {
        spread_p99_ms: round(checks.fanOut.p99Ms, 3),
        target_p99_ms: checks.fanOut.target,
        met: checks.fanOut.met,
      },
      delivery: {
        prompt_record_p99_ms: round(checks.delivery.p99Ms, 2),
        target_p99_ms: checks.delivery.target,
        met: checks.delivery.met,
      },
      hibernation: {
        received: checks.hibernation.received,
        of: checks.hibernation.clients,
        reconnections: checks.hibernation.reconnections,
        met: checks.hibernation.met,
      },
    },
  };
}

/** @param {import("./target-checks.mjs").RatioCheck} c */
function ratioCheck(c) {
  return { ...c, ratio: round(c.ratio, 3) };
}
