/** API tokens over HTTP (admin): list, create (the token is in the answer once), revoke. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { API_TOKEN_ROLES, TOKEN_NAME_PATTERN, generateApiToken } from '../../auth/api-token.ts';
import type { ApiTokenRecord, ApiTokenRepository } from '../../storage/api-token-repository.ts';
import { API_PREFIX, ApiError, commonErrorResponses, envelopeOf, errorEnvelope, ok } from '../envelope.ts';

const tokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(API_TOKEN_ROLES),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

function present(token: ApiTokenRecord): z.infer<typeof tokenSchema> {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: token.id,
    name: token.name,
    role: token.role,
    createdAt: new Date(token.createdAt).toISOString(),
    lastUsedAt: iso(token.lastUsedAt),
    revokedAt: iso(token.revokedAt),
  };
}

export function tokenRoutes(app: FastifyInstance, tokens: ApiTokenRepository): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const common = { tags: ['tokens'], security: [{ bearer: [] }] };

  typed.get(
    `${API_PREFIX}/tokens`,
    {
      config: { auth: 'admin' },
      schema: { ...common, summary: 'List API tokens', response: { 200: envelopeOf(z.array(tokenSchema)), ...commonErrorResponses } },
    },
    async () => ok((await tokens.list()).map(present)),
  );

  typed.post(
    `${API_PREFIX}/tokens`,
    {
      config: { auth: 'admin' },
      schema: {
        ...common,
        summary: 'Create an API token (the token is shown once)',
        body: z
          .object({
            name: z.string().regex(TOKEN_NAME_PATTERN, 'must be 1–64 letters, digits, dots, dashes or underscores'),
            role: z.enum(API_TOKEN_ROLES),
          })
          .strict(),
        response: {
          201: envelopeOf(tokenSchema.extend({ token: z.string() })),
          409: errorEnvelope,
          ...commonErrorResponses,
        },
      },
    },
    async (request, reply) => {
      const material = generateApiToken();
      const created = await tokens.create({
        id: material.id,
        name: request.body.name,
        role: request.body.role,
        tokenHash: material.hash,
        now: Date.now(),
      });
      if (!created.ok) throw new ApiError(409, 'name_taken', `A token named ${request.body.name} already exists.`);
      return reply.status(201).send(ok({ ...present(created.token), token: material.token }));
    },
  );

  typed.delete(
    `${API_PREFIX}/tokens/:idOrName`,
    {
      config: { auth: 'admin' },
      schema: {
        ...common,
        summary: 'Revoke an API token by id or name',
        params: z.object({ idOrName: z.string().min(1).max(64) }),
        response: { 200: envelopeOf(tokenSchema), 404: errorEnvelope, 409: errorEnvelope, ...commonErrorResponses },
      },
    },
    async (request) => {
      if (request.principal?.kind === 'token' && [request.principal.id, request.principal.name].includes(request.params.idOrName)) {
        throw new ApiError(409, 'cannot_revoke_self', 'A token cannot revoke itself; use another admin token or the CLI.');
      }
      const revoked = await tokens.revoke(request.params.idOrName, Date.now());
      if (!revoked) throw new ApiError(404, 'not_found', `No active token has the id or name ${request.params.idOrName}.`);
      return ok(present(revoked));
    },
  );
}
