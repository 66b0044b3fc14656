import { createInterface } from "node:readline";

/**
 * Reads one line from stdin: masked with `*` when stdin is a terminal, else the next line of
 * the pipe (a token piped in: `echo $TOKEN | aura login`).
 *
 * @example
 * const token = await readSecretLine("token: ");
 */
export function readSecretLine(
  prompt: string,
  input: NodeJS.ReadStream = process.stdin,
): Promise<string> {
  if (!input.isTTY) return readPipedLine(input);
  return new Promise((resolve, reject) => {
    const out = process.stderr;
    out.write(prompt);
    let text = "";
    input.setRawMode(true);
    input.resume();
    input.setEncoding("utf8");
    const done = (fail?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.off("data", onData);
      out.write("\n");
      if (fail) reject(fail);
      else resolve(text);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n") return done();
        if (ch === "\u0003") return done(new Error("cancelled"));
        if (ch === "\u007f" || ch === "\b") {
          if (text.length > 0) {
            text = text.slice(0, -1);
            out.write("\b \b");
          }
        } else if (ch >= " ") {
          text += ch;
          out.write("*");
        }
      }
    };
    input.on("data", onData);
  });
}

function readPipedLine(input: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input });
    let answered = false;
    rl.once("line", (line) => {
      answered = true;
      rl.close();
      resolve(line);
    });
    rl.once("close", () => {
      if (!answered) resolve("");
    });
  });
}
