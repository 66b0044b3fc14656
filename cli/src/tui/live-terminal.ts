/**
 * Ink holds back every frame until the app exits when it believes it runs in CI (it reads
 * `CI` and `CONTINUOUS_INTEGRATION` once, as it loads), which leaves a person in a real
 * terminal looking at a blank screen. The chat only runs on a terminal, so where both stdin
 * and stdout are one, this clears those two variables for this process before Ink loads.
 * @example
 * renderLiveOnTerminal(process);
 * const { runChat } = await import("./run-chat.js");
 */
export function renderLiveOnTerminal(proc: {
  env: Record<string, string | undefined>;
  stdin: { isTTY?: boolean };
  stdout: { isTTY?: boolean };
}): void {
  if (proc.stdin.isTTY !== true || proc.stdout.isTTY !== true) return;
  delete proc.env.CI;
  delete proc.env.CONTINUOUS_INTEGRATION;
}
