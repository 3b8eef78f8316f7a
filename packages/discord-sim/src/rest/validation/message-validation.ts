/** Reads a message create or edit body, answering 50035 (with Discord's error tree) or 50006 like Discord does. */
import { MESSAGE_CONTENT_MAX } from 'discord-limits';
import { ApiError, ErrorCode, FormErrorCollector } from '../errors.ts';
import type { JsonObject } from '../request-body.ts';
import { validateMessageComponents } from './component-validation.ts';
import { normaliseEmbeds, validateEmbeds } from './embed-validation.ts';
import type { MessageInput } from '../../state/messages.ts';
import { snowflake } from '../../util/snowflake.ts';

const SUPPRESS_EMBEDS = 1 << 2;
const EPHEMERAL = 1 << 6;
const SUPPRESS_NOTIFICATIONS = 1 << 12;
const IS_COMPONENTS_V2 = 1 << 15;

interface UploadedFile {
  index: number;
  filename: string;
  size: number;
  contentType: string;
}

function attachmentsFrom(body: JsonObject, baseUrl: string): unknown[] | undefined {
  const files = Array.isArray(body.__files) ? (body.__files as UploadedFile[]) : [];
  const described = Array.isArray(body.attachments) ? (body.attachments as Array<Record<string, unknown>>) : [];
  if (files.length === 0) return body.attachments === undefined ? undefined : described.filter((a) => typeof a.url === 'string');
  return files.map((file) => {
    const id = snowflake();
    const meta = described.find((a) => String(a.id) === String(file.index));
    const url = `${baseUrl}/attachments/${id}/${encodeURIComponent(file.filename)}`;
    return { id, filename: file.filename, size: file.size, content_type: file.contentType, url, proxy_url: url, description: meta?.description };
  });
}

export function readMessageBody(body: JsonObject, options: { creating: boolean; allowEphemeral: boolean; baseUrl: string }): MessageInput {
  const errors = new FormErrorCollector();
  const content = body.content;
  if (content !== undefined && content !== null) {
    if (typeof content !== 'string') errors.add(['content'], 'BASE_TYPE_STRING', 'Must be a string.');
    else if (content.length > MESSAGE_CONTENT_MAX) errors.maxLength(['content'], MESSAGE_CONTENT_MAX);
  }
  validateEmbeds(errors, body.embeds);
  const rawFlags = typeof body.flags === 'number' ? body.flags : 0;
  if ((rawFlags & IS_COMPONENTS_V2) === 0) validateMessageComponents(errors, body.components);
  errors.throwIfAny();

  const allowed = SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS | IS_COMPONENTS_V2 | (options.allowEphemeral ? EPHEMERAL : 0);
  const input: MessageInput = {};
  if (typeof content === 'string') input.content = content;
  if (Array.isArray(body.embeds)) input.embeds = normaliseEmbeds(body.embeds);
  if (Array.isArray(body.components)) input.components = body.components;
  if (body.flags !== undefined) input.flags = rawFlags & allowed;
  if (typeof body.tts === 'boolean') input.tts = body.tts;
  if (typeof body.nonce === 'string' || typeof body.nonce === 'number') input.nonce = body.nonce;
  const attachments = attachmentsFrom(body, options.baseUrl);
  if (attachments !== undefined) input.attachments = attachments;
  const reference = body.message_reference;
  if (typeof reference === 'object' && reference !== null) input.message_reference = reference as MessageInput['message_reference'];

  const empty = !input.content && !input.embeds?.length && !input.components?.length && !input.attachments?.length && body.sticker_ids === undefined && body.poll === undefined;
  if (options.creating && empty) throw new ApiError(400, ErrorCode.CannotSendEmptyMessage);
  return input;
}
