/** The TUI in tmux (see tui-harness.mjs). */
export interface TuiDriver {
  screen(): string;
  keys(...keys: string[]): void;
  type(text: string): void;
  waitFor(
    test: string | RegExp | ((screen: string) => boolean),
    timeoutMs?: number,
    intervalMs?: number,
  ): Promise<string>;
  fastCapture(): Promise<{ screen(): Promise<string>; close(): void }>;
  kill(): void;
}

export function hasTmux(): boolean;
export function startTui(options: {
  socket: string;
  args: string[];
  env?: Record<string, string>;
  cols?: number;
  rows?: number;
}): TuiDriver;
