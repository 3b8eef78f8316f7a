/**
 * Every /api/v1 operation of a hub, read from its OpenAPI document, with who may call it (the operation's
 * `x-switchboard-auth`, taken from the route's `config.auth`), so that a new route is covered by the suite
 * without a change here.
 */
import type { FastifyInstance } from 'fastify';
import type { AuthRequirement } from '../../../src/http/auth.ts';

export type OpenApiSchema = {
  type?: string | string[];
  properties?: Record<string, OpenApiSchema>;
  required?: string[];
  items?: OpenApiSchema;
  enum?: unknown[];
  anyOf?: OpenApiSchema[];
  oneOf?: OpenApiSchema[];
  maxLength?: number;
  minLength?: number;
  maximum?: number;
  minimum?: number;
  pattern?: string;
  format?: string;
};

export type OpenApiParameter = { name: string; in: string; required?: boolean; schema?: OpenApiSchema };

export type OpenApiOperation = {
  'x-switchboard-auth'?: AuthRequirement;
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: OpenApiSchema }> };
};

export type ApiRoute = {
  method: string;
  /** Fastify's form, `/api/v1/apps/:id`. */
  template: string;
  auth: AuthRequirement;
  operation: OpenApiOperation;
};

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

export async function apiRoutes(http: FastifyInstance): Promise<ApiRoute[]> {
  const response = await http.inject({ method: 'GET', url: '/api/v1/openapi.json' });
  if (response.statusCode !== 200) throw new Error(`GET /api/v1/openapi.json → ${response.statusCode}`);
  const document = response.json<{ paths: Record<string, Record<string, OpenApiOperation>> }>();
  const routes: ApiRoute[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    if (!path.startsWith('/api/v1/')) continue;
    for (const [method, operation] of Object.entries(operations)) {
      if (!METHODS.includes(method)) continue;
      const auth = operation['x-switchboard-auth'];
      if (!auth) throw new Error(`${method.toUpperCase()} ${path} does not say who may call it (x-switchboard-auth)`);
      routes.push({ method: method.toUpperCase(), template: path.replace(/\{([^}]+)\}/g, ':$1'), auth, operation });
    }
  }
  if (routes.length < 10) throw new Error(`the OpenAPI document lists only ${routes.length} /api/v1 operations`);
  return routes;
}

/** The route's URL with its path parameters filled by `fill` (URL-encoded here; a lone surrogate, which no URL can carry, becomes U+FFFD). */
export function fillPath(template: string, fill: (name: string) => string): string {
  return template.replace(/:([A-Za-z0-9_*]+)/g, (_, name: string) => encodeURIComponent(fill(name).toWellFormed()));
}
