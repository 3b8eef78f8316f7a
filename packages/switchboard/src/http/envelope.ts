/**
 * The shape of every /api/v1 answer: `{ version, data }` or `{ version, error: { code, message, details } }`,
 * with the same version in the X-API-Version header.
 */
import { z } from 'zod';

/** The semver of the HTTP API (not of the package): bumped when a response shape changes. */
export const API_VERSION = '1.0.0';
export const API_PREFIX = '/api/v1';

export function ok<T>(data: T): { version: string; data: T } {
  return { version: API_VERSION, data };
}

export function envelopeOf<T extends z.ZodType>(data: T) {
  return z.object({ version: z.string(), data });
}

export const errorEnvelope = z.object({
  version: z.string(),
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});

export type ErrorBody = z.infer<typeof errorEnvelope>;

export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return { version: API_VERSION, error: { code, message, ...(details === undefined ? {} : { details }) } };
}

/** An error a handler throws to answer with a specific status and code. */
export class ApiError extends Error {
  readonly statusCode: number;
  readonly code: string;
  readonly details: unknown;

  constructor(statusCode: number, code: string, message: string, details?: unknown) {
    super(message);
    this.statusCode = statusCode;
    this.code = code;
    this.details = details;
  }
}

/** The error responses every authenticated route may give, for the OpenAPI document. */
export const commonErrorResponses = {
  400: errorEnvelope,
  401: errorEnvelope,
  403: errorEnvelope,
  429: errorEnvelope,
};
