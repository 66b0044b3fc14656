/** Standard base64 with padding, no whitespace. */
export const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** True when `text` is canonical standard base64 (padding required, no whitespace). */
export function isBase64(text: string): boolean {
  return STRICT_BASE64.test(text);
}

/** Number of bytes a valid base64 string decodes to, without decoding it. */
export function base64DecodedLength(text: string): number {
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  return (text.length / 4) * 3 - padding;
}

/** Decodes standard base64 into bytes. */
export function decodeBase64(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Encodes bytes as standard base64. */
export function encodeBase64(bytes: Uint8Array): string {
  let bin = "";
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) {
    bin += String.fromCharCode(...bytes.subarray(i, i + step));
  }
  return btoa(bin);
}

/** UTF-8 text → base64. */
export function textToBase64(text: string): string {
  return encodeBase64(new TextEncoder().encode(text));
}

/** base64 → UTF-8 text (invalid sequences become U+FFFD). */
export function base64ToText(b64: string): string {
  return new TextDecoder().decode(decodeBase64(b64));
}
