/** Guild channels and categories: list and create in a guild; get, edit and delete by id (threads included). */
import { requireChannelPermission, requireGuildPermission } from '../guards.ts';
import { param } from '../route-types.ts';
import type { RestRouter, RouteContext } from '../route-types.ts';
import { readChannelCreate, readChannelPatch, readThreadPatch } from '../validation/channel-validation.ts';
import { createChannel, deleteChannel, updateChannel } from '../../state/channels.ts';
import type { SimChannel } from '../../state/entities.ts';
import { updateThread } from '../../state/threads.ts';
import { Permission } from '../../util/permissions.ts';
import { missingPermissions } from '../errors.ts';
import { botHasChannelPermission } from '../guards.ts';

function editThread(ctx: RouteContext, thread: SimChannel): SimChannel {
  const state = ctx.sim.state;
  const patch = readThreadPatch(ctx.body);
  const isOwner = thread.owner_id === state.application.botUserId;
  const canManage = botHasChannelPermission(state, thread, Permission.ManageThreads);
  requireChannelPermission(state, thread, Permission.ViewChannel);
  // Owners may rename and archive their threads; locking, unarchiving a locked thread and the rest need ManageThreads.
  const ownerMayDo = patch.locked === undefined && patch.invitable === undefined && !(thread.thread_metadata?.locked && patch.archived === false);
  if (!canManage && !(isOwner && ownerMayDo)) throw missingPermissions();
  return updateThread(state, thread, patch);
}

export function registerChannelRoutes(router: RestRouter): void {
  router.add('GET', '/guilds/:guildId/channels', {
    auth: 'bot',
    handler: (ctx) => {
      const guild = ctx.sim.state.requireGuild(param(ctx, 'guildId'));
      requireGuildPermission(ctx.sim.state, guild, 0n);
      return ctx.sim.state.guildChannels(guild.id);
    },
  });

  router.add('POST', '/guilds/:guildId/channels', {
    auth: 'bot',
    handler: (ctx) => {
      const state = ctx.sim.state;
      const guild = state.requireGuild(param(ctx, 'guildId'));
      requireGuildPermission(state, guild, Permission.ManageChannels);
      const input = readChannelCreate(ctx.body);
      if (input.permission_overwrites?.length) requireGuildPermission(state, guild, Permission.ManageRoles);
      return createChannel(state, guild, input);
    },
  });

  router.add('GET', '/channels/:channelId', {
    auth: 'bot',
    handler: (ctx) => {
      const channel = ctx.sim.state.requireChannel(param(ctx, 'channelId'));
      requireChannelPermission(ctx.sim.state, channel, Permission.ViewChannel);
      return channel;
    },
  });

  router.add('PATCH', '/channels/:channelId', {
    auth: 'bot',
    handler: (ctx) => {
      const state = ctx.sim.state;
      const channel = state.requireChannel(param(ctx, 'channelId'));
      if (channel.thread_metadata) return editThread(ctx, channel);
      requireChannelPermission(state, channel, Permission.ManageChannels);
      const patch = readChannelPatch(ctx.body);
      if (patch.permission_overwrites) requireChannelPermission(state, channel, Permission.ManageRoles);
      return updateChannel(state, channel, patch);
    },
  });

  router.add('DELETE', '/channels/:channelId', {
    auth: 'bot',
    handler: (ctx) => {
      const state = ctx.sim.state;
      const channel = state.requireChannel(param(ctx, 'channelId'));
      requireChannelPermission(state, channel, channel.thread_metadata ? Permission.ManageThreads : Permission.ManageChannels);
      deleteChannel(state, channel);
      return channel;
    },
  });
}
