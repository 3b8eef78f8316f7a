/** Users and DM channels: `/users/@me`, `/users/{id}`, `/users/@me/guilds`, `POST /users/@me/channels`. */
import { ApiError, ErrorCode } from '../errors.ts';
import { param } from '../route-types.ts';
import type { RestRouter } from '../route-types.ts';
import { openDm } from '../../state/channels.ts';

export function registerUserRoutes(router: RestRouter): void {
  router.add('GET', '/users/@me', {
    auth: 'bot',
    handler: (ctx) => ({ ...ctx.sim.state.botUser, verified: true, mfa_enabled: false, locale: 'en-US', email: null }),
  });

  router.add('GET', '/users/:userId', { auth: 'bot', handler: (ctx) => ctx.sim.state.requireUser(param(ctx, 'userId')) });

  router.add('GET', '/users/@me/guilds', {
    auth: 'bot',
    handler: (ctx) => {
      const state = ctx.sim.state;
      const bot = state.application.botUserId;
      return [...state.guilds.values()]
        .filter((g) => g.members.has(bot))
        .map((g) => ({ id: g.id, name: g.name, icon: g.icon, owner: g.owner_id === bot, permissions: state.guildPermissions(g, bot).toString(), features: g.features }));
    },
  });

  router.add('POST', '/users/@me/channels', {
    auth: 'bot',
    handler: (ctx) => {
      const recipient = ctx.body.recipient_id;
      if (typeof recipient !== 'string' || !ctx.sim.state.users.has(recipient)) throw new ApiError(400, ErrorCode.InvalidFormBody, 'Invalid Recipient(s)');
      return openDm(ctx.sim.state, recipient);
    },
  });
}
