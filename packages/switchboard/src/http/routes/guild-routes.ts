/** The guilds the bot is in, with name and icon, for the dashboard's guild picker. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { guildIconUrl, type KnownGuild } from '../../discord/guild-directory.ts';
import { API_PREFIX, commonErrorResponses, envelopeOf, ok } from '../envelope.ts';
import { visibleGuildIds } from '../guild-scope.ts';

const guildSchema = z.object({ id: z.string(), name: z.string(), iconUrl: z.string().nullable() });

export type GuildList = { list(): KnownGuild[] };

export function guildRoutes(app: FastifyInstance, options: { guilds: GuildList }): void {
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
}
