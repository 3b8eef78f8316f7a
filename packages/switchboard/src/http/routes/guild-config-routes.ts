/**
 * A guild's configuration over the API: read it (with the layers it comes from), change it with a JSON Merge
 * Patch (RFC 7396; `null` goes back to the default), reset it, and read the audit log of every change.
 * A refused change is 422 with one `{ path, message }` per problem and changes nothing.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { GuildConfigService } from '../../config/guild-config/guild-config-service.ts';
import { DEFAULT_GUILD_CONFIG, GUILD_CONFIG_SECTIONS, guildConfigSchema, NOTIFICATION_PLACEHOLDERS } from '../../config/guild-config/guild-config-schema.ts';
import { actorOf } from '../auth.ts';
import { API_PREFIX, ApiError, commonErrorResponses, envelopeOf, errorEnvelope, ok } from '../envelope.ts';

const params = z.object({ guildId: z.string().regex(/^\d{17,20}$/, 'must be a Discord id (17–20 digits)') });
const settings = z.record(z.string(), z.unknown());
const configView = z.object({
  config: settings,
  file: settings.nullable(),
  stored: settings,
  fileProblems: z.array(z.object({ file: z.string(), path: z.string(), problem: z.string() })),
});
const auditEntry = z.object({
  id: z.string(),
  actor: z.string(),
  source: z.string(),
  summary: z.string(),
  before: settings,
  after: settings,
  at: z.string(),
});

export function guildConfigRoutes(app: FastifyInstance, options: { configs: GuildConfigService }): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const { configs } = options;
  const url = `${API_PREFIX}/guilds/:guildId/config`;
  const common = { tags: ['configuration'], security: [{ bearer: [] }] };
  // PATCH takes JSON Merge Patch documents under their own media type as well as plain JSON.
  app.addContentTypeParser('application/merge-patch+json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(new ApiError(400, 'invalid_json', 'The body is not valid JSON.'), undefined);
    }
  });

  const view = async (guildId: string) => {
    const current = await configs.view(guildId);
    return { config: current.config, file: current.file, stored: current.stored, fileProblems: current.fileProblems.map(({ file, path, problem }) => ({ file, path, problem })) };
  };

  typed.get(
    url,
    { config: { auth: 'viewer' }, schema: { ...common, summary: "The guild's configuration in effect, its override file and its stored overrides", params, response: { 200: envelopeOf(configView), ...commonErrorResponses } } },
    async (request) => ok(await view(request.params.guildId)),
  );

  typed.patch(
    url,
    {
      config: { auth: 'admin' },
      schema: {
        ...common,
        summary: "Change the guild's settings with a JSON Merge Patch (null resets a setting)",
        params,
        body: settings,
        response: { 200: envelopeOf(configView), 422: errorEnvelope, ...commonErrorResponses },
      },
    },
    async (request) => {
      const result = await configs.change(request.params.guildId, { kind: 'patch', patch: request.body }, { id: actorOf(request.principal), source: request.principal?.kind === 'session' ? 'dashboard' : 'api' });
      if (!result.ok) throw new ApiError(422, 'invalid_config', `The configuration was not changed: ${result.issues.length} problem(s).`, result.issues);
      return ok(await view(request.params.guildId));
    },
  );

  typed.delete(
    url,
    {
      config: { auth: 'admin' },
      schema: {
        ...common,
        summary: 'Reset one setting or section (`path`), or every setting',
        params,
        querystring: z.object({ path: z.string().regex(/^[A-Za-z]+(\.[A-Za-z]+)*$/, 'must be a dotted setting path such as meetings.defaultDurationMinutes').optional() }),
        response: { 200: envelopeOf(configView), 422: errorEnvelope, ...commonErrorResponses },
      },
    },
    async (request) => {
      const path = request.query.path?.split('.') ?? [];
      const result = await configs.change(request.params.guildId, { kind: 'reset', path }, { id: actorOf(request.principal), source: request.principal?.kind === 'session' ? 'dashboard' : 'api' });
      if (!result.ok) throw new ApiError(422, 'invalid_config', 'The configuration was not changed.', result.issues);
      return ok(await view(request.params.guildId));
    },
  );

  // The form the dashboard draws: the schema of what may be written (input side), worked out once.
  const schemaDocument = {
    schema: z.toJSONSchema(guildConfigSchema, { io: 'input' }) as Record<string, unknown>,
    defaults: DEFAULT_GUILD_CONFIG as unknown as Record<string, unknown>,
    sections: [...GUILD_CONFIG_SECTIONS],
    placeholders: NOTIFICATION_PLACEHOLDERS as unknown as Record<string, string[]>,
  };
  typed.get(
    `${API_PREFIX}/guild-config/schema`,
    {
      config: { auth: 'viewer', dashboard: 'signed-in' },
      schema: {
        ...common,
        summary: "The guild configuration's JSON Schema, its defaults, its sections and each notification's placeholders",
        response: {
          200: envelopeOf(z.object({ schema: settings, defaults: settings, sections: z.array(z.string()), placeholders: z.record(z.string(), z.array(z.string())) })),
          ...commonErrorResponses,
        },
      },
    },
    async () => ok(schemaDocument),
  );

  typed.get(
    `${API_PREFIX}/guilds/:guildId/audit`,
    {
      config: { auth: 'viewer' },
      schema: {
        ...common,
        summary: "Every change to the guild's configuration, newest first: who, when, before → after",
        params,
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(200).default(50),
          before: z.iso.datetime({ message: 'must be an ISO 8601 time' }).optional(),
        }),
        response: { 200: envelopeOf(z.array(auditEntry)), ...commonErrorResponses },
      },
    },
    async (request) => {
      const entries = await configs.audit(request.params.guildId, { limit: request.query.limit, ...(request.query.before ? { before: Date.parse(request.query.before) } : {}) });
      return ok(entries.map((entry) => ({ id: entry.id, actor: entry.actor, source: entry.source, summary: entry.summary, before: entry.before, after: entry.after, at: new Date(entry.at).toISOString() })));
    },
  );
}
