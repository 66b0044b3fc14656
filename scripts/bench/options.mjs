import { parseArgs } from "node:util";

/**
 * @typedef {object} BenchOptions
 * @property {number} warmupMs Warm-up load per scenario and endpoint.
 * @property {number} durationMs Measured load per scenario and endpoint.
 * @property {number} rounds Rounds the measured load is split into (endpoints alternate).
 * @property {number} headEntries Entries in the long record of the head-read test.
 * @property {number} smallEntries Entries in the short record of the head-read test.
 * @property {number} verifyEntries Entries in the record the verify-rate test verifies.
 * @property {number} verifyRepetitions Times it verifies that record (p50 over them).
 * @property {number} toolsRequests Measured tool calls per operation and path.
 * @property {number} toolsWarmup Unmeasured tool calls per operation and path first.
 * @property {number} streamTurns Measured turns watched by the 100 `/stream` sessions.
 * @property {number} streamSessionTurns Measured turns watched by the 1,000 sessions.
 * @property {number} streamIdleMs How long the 1,000 sockets stay idle before the last turn
 *   (longer than workerd's 10 s hibernation timeout).
 * @property {boolean} streamDeflate The `/stream` clients offer permessage-deflate, as
 *   browsers do (`--stream-no-deflate`: they do not, so no frame is compressed).
 * @property {number} automatons Interval (1 s) automatons ticking at once (issue 10: 1,000).
 * @property {number} automatonAgents Agents they are spread over (issue 10: 100).
 * @property {number} automatonSeconds How long they tick after the last install (issue 10: 60).
 * @property {number} automatonIdleTicks Ticks of the idle automaton, each after an eviction.
 * @property {boolean} checkTargets Exit 1 when a target is missed, not only on failures.
 * @property {Set<Section>} only The sections to run (`--only a,b`; all without it).
 * @property {number} retentionEntries Entries seeded into the long record of the retention
 *   figures (issue 13: 1,000,000).
 * @property {number} retentionSmallEntries Entries in its short record (issue 13: 100).
 * @property {number} retentionPromptEvery Every this many seeded entries is a `user_prompt`.
 * @property {number} retentionRounds Evictions, each followed by a wake, head reads and resumes.
 * @property {number} retentionHeadReads Head reads per agent and round.
 * @property {number} retentionResumes `/stream` resumes per agent and round.
 * @property {number} metricsRequests `GET /agents/:id/metrics` requests timed.
 * @property {number} floodRequests `POST /tx` of the flood (issue 13: 5,000).
 * @property {number} floodConcurrency Kept in flight (issue 13: 200).
 * @property {number} costTurns Mock turns the costs are measured over.
 * @property {string | undefined} json Where `--only` writes its results (bench/results.json
 *   is written by whole runs only).
 */

/**
 * What `--only` selects: `core` is every figure before issue 13 (admission, head read,
 * verify, tools, isolation, stream, automatons, terminal and console), which run together.
 * @typedef {"core" | "retention" | "metrics" | "flood" | "costs"} Section
 */

/** Every section, in the order a run takes them. */
export const SECTIONS = /** @type {const} */ (["core", "retention", "metrics", "flood", "costs"]);

/**
 * Parses `npm run bench -- [options]`. `--quick` shortens every phase (a smoke run).
 *
 * @example
 * readOptions(["--quick"]); // { warmupMs: 300, …, toolsRequests: 60, streamTurns: 10, … }
 * @param {string[]} args
 * @returns {BenchOptions}
 */
export function readOptions(args) {
  const { values } = parseArgs({
    args,
    options: {
      quick: { type: "boolean", default: false },
      "warmup-ms": { type: "string" },
      "duration-ms": { type: "string" },
      rounds: { type: "string" },
      "head-entries": { type: "string" },
      "small-entries": { type: "string" },
      "verify-entries": { type: "string" },
      "verify-repetitions": { type: "string" },
      "tools-requests": { type: "string" },
      "stream-turns": { type: "string" },
      "stream-session-turns": { type: "string" },
      "stream-idle-ms": { type: "string" },
      "stream-no-deflate": { type: "boolean", default: false },
      automatons: { type: "string" },
      "automaton-agents": { type: "string" },
      "automaton-seconds": { type: "string" },
      "automaton-idle-ticks": { type: "string" },
      "check-targets": { type: "boolean", default: false },
      only: { type: "string" },
      "retention-entries": { type: "string" },
      "retention-small-entries": { type: "string" },
      "retention-prompt-every": { type: "string" },
      "retention-rounds": { type: "string" },
      "retention-head-reads": { type: "string" },
      "retention-resumes": { type: "string" },
      "metrics-requests": { type: "string" },
      "flood-requests": { type: "string" },
      "flood-concurrency": { type: "string" },
      "cost-turns": { type: "string" },
      json: { type: "string" },
    },
  });
  const quick = values.quick === true;
  /** @param {string} name @param {number} fallback */
  const int = (name, fallback) => {
    const raw = /** @type {Record<string, unknown>} */ (values)[name];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer`);
    return n;
  };
  return {
    warmupMs: int("warmup-ms", quick ? 300 : 1000),
    durationMs: int("duration-ms", quick ? 1000 : 3000),
    rounds: int("rounds", quick ? 2 : 3),
    headEntries: int("head-entries", quick ? 5000 : 100_000),
    smallEntries: int("small-entries", 100),
    verifyEntries: int("verify-entries", quick ? 2000 : 10_000),
    verifyRepetitions: int("verify-repetitions", quick ? 3 : 5),
    toolsRequests: int("tools-requests", quick ? 60 : 300),
    toolsWarmup: quick ? 10 : 30,
    streamTurns: int("stream-turns", quick ? 10 : 30),
    streamSessionTurns: int("stream-session-turns", quick ? 2 : 5),
    streamIdleMs: int("stream-idle-ms", 12_000),
    streamDeflate: values["stream-no-deflate"] !== true,
    automatons: int("automatons", 1000),
    automatonAgents: int("automaton-agents", 100),
    automatonSeconds: int("automaton-seconds", quick ? 15 : 60),
    automatonIdleTicks: int("automaton-idle-ticks", quick ? 1 : 2),
    checkTargets: values["check-targets"] === true,
    only: readSections(values.only),
    retentionEntries: int("retention-entries", quick ? 100_000 : 1_000_000),
    retentionSmallEntries: int("retention-small-entries", 100),
    retentionPromptEvery: int("retention-prompt-every", 10),
    retentionRounds: int("retention-rounds", quick ? 2 : 5),
    retentionHeadReads: int("retention-head-reads", quick ? 50 : 200),
    retentionResumes: int("retention-resumes", quick ? 3 : 5),
    metricsRequests: int("metrics-requests", 50),
    floodRequests: int("flood-requests", 5000),
    floodConcurrency: int("flood-concurrency", 200),
    costTurns: int("cost-turns", quick ? 20 : 50),
    json: values.json,
  };
}

/**
 * @param {string | undefined} raw `--only`'s value: section names separated by commas.
 * @returns {Set<Section>}
 */
function readSections(raw) {
  if (raw === undefined) return new Set(SECTIONS);
  const names = raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!(/** @type {readonly string[]} */ (SECTIONS).includes(name)))
      throw new Error(`--only: unknown section "${name}" (sections: ${SECTIONS.join(", ")})`);
  }
  if (names.length === 0) throw new Error(`--only needs a section (${SECTIONS.join(", ")})`);
  return new Set(/** @type {Section[]} */ (names));
}
