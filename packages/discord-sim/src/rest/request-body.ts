/**
 * Request bodies as Discord accepts them: JSON, or multipart/form-data with a `payload_json` part and files
 * (the files become attachment objects; their bytes are not kept).
 */
import { ApiError, ErrorCode } from './errors.ts';

export type JsonObject = Record<string, unknown>;

export function parseRequestBody(contentType: string | undefined, raw: Buffer): JsonObject {
  if (raw.length === 0) return {};
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) return parseMultipart(type, raw);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ApiError(400, ErrorCode.General, '400: Bad Request');
  }
  if (Array.isArray(parsed)) return { __array: parsed };
  if (typeof parsed !== 'object' || parsed === null) throw new ApiError(400, ErrorCode.InvalidFormBody, 'Invalid Form Body');
  return parsed as JsonObject;
}

function parseMultipart(contentType: string, raw: Buffer): JsonObject {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  const marker = boundary?.[1] ?? boundary?.[2];
  if (!marker) throw new ApiError(400, ErrorCode.General, '400: Bad Request');
  const text = raw.toString('latin1');
  const parts = text.split(`--${marker}`).slice(1, -1);
  let payload: JsonObject = {};
  const files: Array<{ index: number; filename: string; size: number; contentType: string }> = [];
  for (const part of parts) {
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const head = part.slice(0, split);
    const body = part.slice(split + 4, part.length - 2);
    const name = /name="([^"]*)"/.exec(head)?.[1] ?? '';
    const filename = /filename="([^"]*)"/.exec(head)?.[1];
    if (name === 'payload_json') payload = parseRequestBody('application/json', Buffer.from(body, 'latin1'));
    else if (filename !== undefined) {
      const index = Number(/files\[(\d+)\]/.exec(name)?.[1] ?? files.length);
      files.push({ index, filename, size: Buffer.byteLength(body, 'latin1'), contentType: /content-type:\s*([^\r\n]+)/i.exec(head)?.[1] ?? 'application/octet-stream' });
    }
  }
  if (files.length > 0) payload.__files = files;
  return payload;
}
