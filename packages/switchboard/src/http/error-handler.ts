/**
 * Turns every failure into the error envelope. Client mistakes get a 4xx that names the problem;
 * anything unexpected gets a 500 with a reference id that is also in the log line.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ApiError, errorBody } from './envelope.ts';

type Mapped = { status: number; code: string; message: string; details?: unknown };

const CLIENT_ERRORS: Record<string, (error: FastifyError) => Mapped> = {
  FST_ERR_CTP_INVALID_JSON_BODY: () => ({ status: 400, code: 'invalid_json', message: 'The request body is not valid JSON.' }),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => ({
    status: 400,
    code: 'invalid_json',
    message: 'The request says its body is JSON but the body is empty.',
  }),
  FST_ERR_CTP_BODY_TOO_LARGE: () => ({ status: 413, code: 'payload_too_large', message: 'The request body is larger than the limit.' }),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => ({
    status: 400,
    code: 'invalid_content_length',
    message: 'The Content-Length header does not match the body.',
  }),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: (error) => ({
    status: 415,
    code: 'unsupported_media_type',
    message: `${error.message}. Send JSON with Content-Type: application/json.`,
  }),
};

function referenceId(): string {
  return randomBytes(5).toString('hex');
}

function mapError(error: FastifyError): Mapped | undefined {
  if (error instanceof ApiError) return { status: error.statusCode, code: error.code, message: error.message, details: error.details };
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = error.validationContext ?? 'body';
    const details = error.validation.map((issue) => ({
      path: `${where}${issue.instancePath.replace(/\//g, '.').replace(/\.$/, '')}`,
      message: issue.message,
    }));
    const summary = details.map((d) => `${d.path}: ${d.message}`).join('; ');
    return { status: 400, code: 'validation_failed', message: `The request is not valid: ${summary}`, details };
  }
  const known = error.code ? CLIENT_ERRORS[error.code] : undefined;
  if (known) return known(error);
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return { status: error.statusCode, code: 'bad_request', message: error.message };
  }
  return undefined;
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const mapped = mapError(error);
    if (mapped) {
      request.log.info({ code: mapped.code, status: mapped.status }, 'request refused');
      return reply.status(mapped.status).send(errorBody(mapped.code, mapped.message, mapped.details));
    }
    const reference = referenceId();
    request.log.error({ err: error, reference }, 'request failed unexpectedly');
    return reply
      .status(500)
      .send(errorBody('internal_error', `Something went wrong on our side. Reference: ${reference}.`, { reference }));
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    return reply.status(404).send(errorBody('not_found', `There is no route ${request.method} ${path}.`));
  });
}
