/** The bot application and the gateway discovery routes: `/applications/@me`, `/gateway`, `/gateway/bot`. */
import { GATEWAY_IDENTIFIES_PER_DAY } from 'discord-limits';
import type { RestRouter } from '../route-types.ts';

const DAY_MS = 24 * 60 * 60_000;

export function registerApplicationRoutes(router: RestRouter): void {
  const startedAt = Date.now();

  router.add('GET', '/applications/@me', {
    auth: 'bot',
    handler: (ctx) => {
      const state = ctx.sim.state;
      const app = state.application;
      const bot = state.botUser;
      return {
        id: app.id,
        name: app.name,
        icon: null,
        description: '',
        summary: '',
        type: null,
        bot_public: true,
        bot_require_code_grant: false,
        verify_key: '0'.repeat(64),
        flags: app.flags,
        bot,
        owner: bot,
        team: null,
        approximate_guild_count: [...state.guilds.values()].filter((g) => g.members.has(bot.id)).length,
        redirect_uris: [],
        interactions_endpoint_url: null,
        tags: [],
      };
    },
  });

  router.add('GET', '/gateway', { auth: 'none', handler: (ctx) => ({ url: ctx.sim.urls.gatewayUrl }) });

  router.add('GET', '/gateway/bot', {
    auth: 'bot',
    handler: (ctx) => ({
      url: ctx.sim.urls.gatewayUrl,
      shards: 1,
      session_start_limit: {
        total: GATEWAY_IDENTIFIES_PER_DAY,
        remaining: Math.max(0, GATEWAY_IDENTIFIES_PER_DAY - ctx.sim.stats.identifies),
        reset_after: DAY_MS - ((Date.now() - startedAt) % DAY_MS),
        max_concurrency: ctx.sim.state.application.maxConcurrency,
      },
    }),
  });
}
