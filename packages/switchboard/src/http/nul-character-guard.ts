/**
 * Refuses a request whose path parameters, query or JSON body hold a NUL character (U+0000) with a 400 that
 * says where it is. PostgreSQL cannot store NUL in text and fails the query (a 500), while SQLite stores it:
 * refusing it at the edge makes both databases answer the same, clearly.
 */
import type { FastifyInstance } from 'fastify';
import { ApiError } from './envelope.ts';

/** The path of the first string holding NUL (`name`, `items[2].title`), or undefined. */
function nulAt(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (value === null || typeof value !== 'object' || depth > 64) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    if (key.includes('\u0000')) return `${path}.${key.replaceAll('\u0000', '\\u0000')}`;
    const found = nulAt(inner, Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}

export function installNulCharacterGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const where = nulAt(request.params, 'path') ?? nulAt(request.query, 'query') ?? nulAt(request.body, 'body');
    if (where) throw new ApiError(400, 'invalid_characters', `${where} contains a NUL character (\\u0000), which is not accepted.`);
  });
}
