import type {
  ContentBlockParam,
  MessageCreateParamsBase,
  ContentBlock as SdkContentBlock,
  Tool,
} from "@anthropic-ai/sdk/resources/messages";
import type { ContentBlock, ModelMessage, ModelRequest, ToolDefinition } from "./types.js";

/**
 * The request body we send. `temperature` is still a Messages API parameter but SDK 1.14's
 * types no longer list it; the SDK sends the body as given.
 */
export type MessageParams = MessageCreateParamsBase & { temperature?: number };

/**
 * The Messages API parameters for one of our requests, for `model`: the system prompt as one
 * cache-controlled block, the thinking budget as `thinking: { type: "enabled" }`.
 *
 * @example
 * toMessageParams({ model: "m", messages: [], max_tokens: 64, system: "Be brief." }, "m");
 * // { model: "m", max_tokens: 64, messages: [], system: [{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral" } }] }
 */
export function toMessageParams(request: ModelRequest, model: string): MessageParams {
  const params: MessageParams = {
    model,
    max_tokens: request.max_tokens,
    messages: request.messages.map(toMessageParam),
  };
  if (request.system !== undefined && request.system !== "") {
    params.system = [{ type: "text", text: request.system, cache_control: { type: "ephemeral" } }];
  }
  if (request.tools !== undefined && request.tools.length > 0) {
    params.tools = request.tools.map(toTool);
  }
  if (request.temperature !== undefined) params.temperature = request.temperature;
  if (request.thinking_budget !== undefined) {
    params.thinking = { type: "enabled", budget_tokens: request.thinking_budget };
  }
  return params;
}

function toMessageParam(message: ModelMessage): MessageCreateParamsBase["messages"][number] {
  return { role: message.role, content: message.content.map(toBlockParam) };
}

function toBlockParam(block: ContentBlock): ContentBlockParam {
  switch (block.type) {
    case "text":
      return { type: "text", text: block.text };
    case "thinking":
      return { type: "thinking", thinking: block.thinking, signature: block.signature ?? "" };
    case "tool_use":
      return { type: "tool_use", id: block.id, name: block.name, input: block.input };
    case "tool_result":
      return {
        type: "tool_result",
        tool_use_id: block.tool_use_id,
        content: block.content,
        ...(block.is_error !== undefined ? { is_error: block.is_error } : {}),
      };
  }
}

function toTool(tool: ToolDefinition): Tool {
  return {
    name: tool.name,
    description: tool.description,
    input_schema: { ...tool.input_schema, type: "object" },
  };
}

/**
 * Our content block for one of the SDK's, or `undefined` for kinds the record does not keep
 * (redacted thinking, server tool blocks).
 */
export function fromSdkBlock(block: SdkContentBlock): ContentBlock | undefined {
  switch (block.type) {
    case "text":
      return { type: "text", text: block.text };
    case "thinking":
      return { type: "thinking", thinking: block.thinking, signature: block.signature };
    case "tool_use":
      return { type: "tool_use", id: block.id, name: block.name, input: block.input as never };
    default:
      return undefined;
  }
}
