/**
 * A small Fastify app set up like the hub's server (zod compilers, the error envelope) for testing one group
 * of routes. Authentication itself is tested in api.test.ts; here a stub takes the role from the
 * `x-test-role` header, lets `public` routes through without one, and refuses a route needing more, so that
 * each route's declared role is still checked.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Principal } from '../../src/http/auth.ts';
import { ApiError } from '../../src/http/envelope.ts';
import { installErrorHandling } from '../../src/http/error-handler.ts';

export async function routeTestApp(register: (app: FastifyInstance) => void): Promise<FastifyInstance> {
  const app = Fastify();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    const needed = request.routeOptions.config?.auth;
    if (needed === 'public') return;
    const role = request.headers['x-test-role'];
    if (role !== 'admin' && role !== 'viewer') throw new ApiError(401, 'unauthorized', 'no test role');
    if (needed === 'admin' && role !== 'admin') throw new ApiError(403, 'forbidden', 'needs admin');
    request.principal = { kind: 'token', id: 'tok', name: 'tester', role } satisfies Principal;
  });
  register(app);
  await app.ready();
  return app;
}
