/**
 * Users and DM channels: `/users/@me`, `/users/{id}`, `/users/@me/guilds`, `POST /users/@me/channels`.
 * `/users/@me` and `/users/@me/guilds` also answer a user's OAuth2 access token (`identify`, `guilds` scopes)
 * for that user, as Discord does.
 */
import { ApiError, ErrorCode } from '../errors.ts';
import { param } from '../route-types.ts';
import type { RestRouter, RouteContext } from '../route-types.ts';
import { openDm } from '../../state/channels.ts';

export function registerUserRoutes(router: RestRouter): void {
  router.add('GET', '/users/@me', {
    auth: 'bot-or-user',
    handler: (ctx) => {
      const userId = callerId(ctx, 'identify');
      return { ...ctx.sim.state.requireUser(userId), verified: true, mfa_enabled: false, locale: 'en-US', email: null };
    },
  });

  router.add('GET', '/users/:userId', { auth: 'bot', handler: (ctx) => ctx.sim.state.requireUser(param(ctx, 'userId')) });

  router.add('GET', '/users/@me/guilds', {
    auth: 'bot-or-user',
    handler: (ctx) => {
      const state = ctx.sim.state;
      const userId = callerId(ctx, 'guilds');
      return [...state.guilds.values()]
        .filter((g) => g.members.has(userId))
        .map((g) => ({ id: g.id, name: g.name, icon: g.icon, owner: g.owner_id === userId, permissions: state.guildPermissions(g, userId).toString(), features: g.features }));
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

/** The user a call is for: the bot, or the owner of the user token, which must carry `scope`. */
function callerId(ctx: RouteContext, scope: string): string {
  if (!ctx.user) return ctx.sim.state.application.botUserId;
  if (!ctx.user.scopes.includes(scope)) throw new ApiError(403, ErrorCode.MissingAccess);
  return ctx.user.userId;
}
