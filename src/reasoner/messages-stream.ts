import type { RawMessageStreamEvent } from "@anthropic-ai/sdk/resources/messages";
import type { ContentBlock, ModelStreamEvent } from "./types.js";

/** A streamed message that ended before `message_stop`: nothing of it may be used. */
export class StreamInterruptedError extends Error {
  constructor(message = "the stream ended before message_stop") {
    super(message);
    this.name = new.target.name;
  }
}

/** A message the API sent that cannot be turned into a response (e.g. tool input not JSON). */
export class MalformedMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** What a stream assembles into, before validation. */
export interface AssembledMessage {
  model: string;
  content: ContentBlock[];
  stop_reason: string | null;
  usage: { input_tokens: number; output_tokens: number };
}

type Building =
  | { type: "text"; text: string }
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "tool_use"; id: string; name: string; json: string[] }
  | { type: "skipped" };

/**
 * Reads a Messages API event stream to its `message_stop`, passing text and thinking deltas
 * and tool_use starts to `emit` as they arrive, and returns the whole message; tool input
 * is parsed from its joined `input_json_delta` pieces. A stream that ends without
 * `message_stop` throws {@link StreamInterruptedError}.
 *
 * @example
 * const stream = await client.messages.create({ ...params, stream: true });
 * const message = await assembleStream(stream, (e) => console.log(e));
 */
export async function assembleStream(
  events: AsyncIterable<RawMessageStreamEvent>,
  emit: (event: ModelStreamEvent) => void,
): Promise<AssembledMessage> {
  const blocks: Building[] = [];
  let model = "";
  let stopReason: string | null = null;
  const usage = { input_tokens: 0, output_tokens: 0 };
  let stopped = false;

  for await (const event of events) {
    switch (event.type) {
      case "message_start":
        model = event.message.model;
        usage.input_tokens = event.message.usage.input_tokens;
        usage.output_tokens = event.message.usage.output_tokens;
        break;
      case "content_block_start": {
        const block = event.content_block;
        if (block.type === "text") blocks[event.index] = { type: "text", text: block.text };
        else if (block.type === "thinking") {
          blocks[event.index] = {
            type: "thinking",
            thinking: block.thinking,
            signature: block.signature,
          };
        } else if (block.type === "tool_use") {
          blocks[event.index] = { type: "tool_use", id: block.id, name: block.name, json: [] };
          emit({ type: "tool_use_start", id: block.id, name: block.name });
        } else blocks[event.index] = { type: "skipped" };
        break;
      }
      case "content_block_delta": {
        const block = blocks[event.index];
        const delta = event.delta;
        if (block?.type === "text" && delta.type === "text_delta") {
          block.text += delta.text;
          emit({ type: "text_delta", text: delta.text });
        } else if (block?.type === "thinking" && delta.type === "thinking_delta") {
          block.thinking += delta.thinking;
          emit({ type: "thinking_delta", thinking: delta.thinking });
        } else if (block?.type === "thinking" && delta.type === "signature_delta") {
          block.signature += delta.signature;
        } else if (block?.type === "tool_use" && delta.type === "input_json_delta") {
          block.json.push(delta.partial_json);
        }
        break;
      }
      case "message_delta":
        stopReason = event.delta.stop_reason;
        usage.output_tokens = event.usage.output_tokens;
        if (typeof event.usage.input_tokens === "number") {
          usage.input_tokens = event.usage.input_tokens;
        }
        break;
      case "message_stop":
        stopped = true;
        break;
      default:
        break;
    }
  }
  if (!stopped) throw new StreamInterruptedError();
  return { model, content: blocks.flatMap(finish), stop_reason: stopReason, usage };
}

function finish(block: Building | undefined): ContentBlock[] {
  if (block === undefined || block.type === "skipped") return [];
  if (block.type === "text") return [block];
  if (block.type === "thinking") {
    return [
      {
        type: "thinking",
        thinking: block.thinking,
        ...(block.signature ? { signature: block.signature } : {}),
      },
    ];
  }
  const json = block.json.join("");
  try {
    const input = json === "" ? {} : JSON.parse(json);
    return [{ type: "tool_use", id: block.id, name: block.name, input }];
  } catch {
    throw new MalformedMessageError(`tool_use ${block.id}: input is not JSON`);
  }
}
