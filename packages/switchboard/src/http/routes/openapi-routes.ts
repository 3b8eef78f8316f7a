/** GET /api/v1/openapi.json: the OpenAPI 3.1 document generated from the route schemas. */
import type { FastifyInstance } from 'fastify';
import { API_PREFIX } from '../envelope.ts';

export function openApiRoutes(app: FastifyInstance): void {
  app.get(
    `${API_PREFIX}/openapi.json`,
    { config: { auth: 'public' }, schema: { hide: true } },
    async () => app.swagger(),
  );
}
