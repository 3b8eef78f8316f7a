/** The guilds the bot is in, with name and icon, for the dashboard's guild picker. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { guildIconUrl, type KnownGuild } from '../../discord/guild-directory.ts';
import { API_PREFIX, commonErrorResponses, envelopeOf, ok } from '../envelope.ts';
import { visibleGuildIds } from '../guild-scope.ts';

const guildSchema = z.object({ id: z.string(), name: z.string(), iconUrl: z.string().nullable() });

export type GuildList = { list(): KnownGuild[] };

export type MemberNameLookup = { names(guildId: string, userIds: readonly string[]): Promise<{ id: string; name: string | null }[]> };

const snowflake = z.string().regex(/^\d{17,20}$/, 'must be a Discord id (17–20 digits)');

export function guildRoutes(app: FastifyInstance, options: { guilds: GuildList; members: MemberNameLookup }): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.get(
    `${API_PREFIX}/guilds`,
    {
      config: { auth: 'viewer', dashboard: 'signed-in' },
      schema: {
        tags: ['guilds'],
        security: [{ bearer: [] }],
        summary: 'The guilds the bot is in (for a guild manager: those it manages), by name',
        response: { 200: envelopeOf(z.array(guildSchema)), ...commonErrorResponses },
      },
    },
    async (request) => {
      const visible = visibleGuildIds(request.principal);
      const guilds = options.guilds.list().filter((guild) => visible === null || visible.has(guild.id));
      return ok(guilds.map((guild) => ({ id: guild.id, name: guild.name, iconUrl: guildIconUrl(guild) })));
    },
  );

  typed.get(
    `${API_PREFIX}/guilds/:guildId/members`,
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['guilds'],
        security: [{ bearer: [] }],
        summary: "Members' display names by id (at most 100 ids), for showing people rather than numbers",
        params: z.object({ guildId: snowflake }),
        querystring: z.object({
          ids: z
            .string()
            .transform((text) => text.split(',').map((id) => id.trim()).filter((id) => id !== ''))
            .pipe(z.array(snowflake).min(1, 'name at least one id').max(100, 'at most 100 ids at once')),
        }),
        response: { 200: envelopeOf(z.array(z.object({ id: z.string(), name: z.string().nullable() }))), ...commonErrorResponses },
      },
    },
    async (request) => ok(await options.members.names(request.params.guildId, request.query.ids)),
  );
}
