/** Reading a webhook from a `node:http` request and writing the answer (Express's objects extend these). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebhookAnswer, WebhookDispatcher } from './dispatch.ts';
import { BodyTooLargeError, readRawBody } from './raw-body.ts';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Reads the body from the request stream, dispatches it and writes the answer. */
export async function answerFromStream(handle: WebhookDispatcher, request: IncomingMessage, response: ServerResponse, maxBodyBytes: number): Promise<void> {
  let answer: WebhookAnswer;
  try {
    const body = await readRawBody(request, maxBodyBytes);
    answer = await handle(request.headers, body);
  } catch (error) {
    answer = error instanceof BodyTooLargeError
      ? { status: 413, body: { error: { code: 'payload_too_large', message: error.message } } }
      : { status: 400, body: { error: { code: 'unreadable_body', message: 'the request body could not be read' } } };
  }
  writeAnswer(response, answer);
}

/** Writes a webhook answer with Node's response API (which Express's response extends). */
export function writeAnswer(response: ServerResponse, answer: WebhookAnswer): void {
  if (response.headersSent) return;
  response.statusCode = answer.status;
  if (answer.body === undefined) {
    response.setHeader('content-length', '0');
    response.end();
    return;
  }
  const text = JSON.stringify(answer.body);
  response.setHeader('content-type', 'application/json; charset=utf-8');
  response.setHeader('content-length', Buffer.byteLength(text));
  response.end(text);
}
