// Loaded on demand (a separate chunk): xterm.js is as large as the rest of the console.
import { FitAddon } from "@xterm/addon-fit";
import { Terminal } from "@xterm/xterm";
import { installStyleSink } from "./style-sink.js";

/** A mounted xterm.js terminal, as the Terminal tab uses it. */
export interface MountedTerminal {
  readonly cols: number;
  readonly rows: number;
  write(bytes: Uint8Array): void;
  /** Fits the terminal to its element (called when the element's size changes). */
  fit(): void;
  focus(): void;
  dispose(): void;
}

/**
 * Opens xterm.js in `host`, fitted to it; what is typed goes to `onData`, size changes to
 * `onResize`.
 *
 * @example
 * const term = mountTerminal(div, { onData: send, onResize: (c, r) => resize(c, r) });
 */
export function mountTerminal(
  host: HTMLElement,
  handlers: { onData(data: string): void; onResize(cols: number, rows: number): void },
): MountedTerminal {
  const release = installStyleSink(host.ownerDocument);
  const term = new Terminal({
    cursorBlink: true,
    fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
    fontSize: 13,
    scrollback: 5000,
    theme: { background: "#1c1d21", foreground: "#e8e9ec", cursor: "#e8e9ec" },
  });
  const fitAddon = new FitAddon();
  term.loadAddon(fitAddon);
  term.open(host);
  fitAddon.fit();
  term.onData(handlers.onData);
  term.onResize(({ cols, rows }) => handlers.onResize(cols, rows));
  return {
    get cols() {
      return term.cols;
    },
    get rows() {
      return term.rows;
    },
    write: (bytes) => term.write(bytes),
    fit: () => {
      if (host.clientWidth > 0 && host.clientHeight > 0) fitAddon.fit();
    },
    focus: () => term.focus(),
    dispose: () => {
      term.dispose();
      release();
    },
  };
}
