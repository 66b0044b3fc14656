/** The cuttable TCP proxy lives in scripts/lib/cut-proxy.mjs, where the benchmarks reach it too. */
export { type CutProxy, cutProxy } from "../../../scripts/lib/cut-proxy.mjs";
