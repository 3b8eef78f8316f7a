/**
 * Account linking in Discord. `/link platform` answers (only to the member) with a button to a one-time
 * link, valid 5 minutes; `/connections` lists the member's links and which need linking again; `/unlink
 * platform` revokes the grant at the provider and deletes the link. When revocation fails the link is
 * deleted all the same and the member is told where to revoke it by hand: keeping the tokens of a member
 * who asked to unlink would be worse. A member whose grant died is told by DM (`notifyRelink`).
 */
import type { API } from '@discordjs/core';
import { ApplicationCommandOptionType, ButtonStyle, ComponentType, type APIChatInputApplicationCommandInteraction } from 'discord-api-types/v10';
import type { Logger } from 'pino';
import type { OAuthPlatform } from '../../storage/schema.ts';
import type { HubModule } from '../hub-module.ts';
import type { ConnectionStore, LinkedConnection } from './connection-store.ts';
import { revokeAtProvider } from './connection-revocation.ts';
import { LINKING_COMMANDS } from './link-commands.ts';
import type { LinkInvitations } from './link-invitations.ts';
import { PLATFORM_NAMES } from './link-pages.ts';
import { isOAuthPlatform } from './oauth-state.ts';
import type { OAuthProviderClient } from './providers/oauth-provider-client.ts';

export const LINKING_MODULE_NAME = 'linking';

export const LINKING_MODULE_DECLARATION: HubModule = {
  name: LINKING_MODULE_NAME,
  description: 'Links members’ Twitch, YouTube, Kick and Discord accounts through OAuth',
  // Commands only: no gateway events, and replies are ephemeral or DMs, which need no guild permission.
  intents: [],
  permissions: [],
  commands: LINKING_COMMANDS,
};

/** The variables that configure each provider, for the "not set up" answer. */
const CREDENTIAL_VARIABLES: Readonly<Record<OAuthPlatform, string>> = {
  twitch: 'TWITCH_CLIENT_ID and TWITCH_CLIENT_SECRET',
  youtube: 'GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET',
  kick: 'KICK_CLIENT_ID and KICK_CLIENT_SECRET',
  discord: 'DISCORD_CLIENT_ID and DISCORD_CLIENT_SECRET',
};

/** Where a member removes the app's access by hand when revocation could not be confirmed. */
export const MANUAL_REVOCATION: Readonly<Record<OAuthPlatform, string>> = {
  twitch: 'https://www.twitch.tv/settings/connections (Other Connections)',
  youtube: 'https://myaccount.google.com/connections',
  kick: 'Kick → Settings → Connections',
  discord: 'Discord → User Settings → Authorized Apps',
};

export type LinkingModuleOptions = {
  invitations: Pick<LinkInvitations, 'issue'>;
  connections: Pick<ConnectionStore, 'get' | 'list' | 'remove'>;
  client: Pick<OAuthProviderClient, 'revoke'>;
  configured: (platform: OAuthPlatform) => boolean;
  /** The hub's public base URL, without a trailing slash. */
  publicUrl: string;
  api: () => API;
  logger: Logger;
  now?: () => number;
};

export type LinkingModule = HubModule & {
  /** DMs the member that their link stopped working and how to link again. */
  notifyRelink(connection: Pick<LinkedConnection, 'discordUserId' | 'platform'>): Promise<void>;
};

/** Keeps an account name from being read as Discord markdown. */
function plain(text: string): string {
  return text.replace(/([\\*_~`|>#[\]()-])/g, '\\$1');
}

function platformOf(interaction: APIChatInputApplicationCommandInteraction): OAuthPlatform | undefined {
  const option = interaction.data.options?.find((o) => o.name === 'platform');
  return option && option.type === ApplicationCommandOptionType.String && isOAuthPlatform(option.value) ? option.value : undefined;
}

const NO_MENTIONS = { allowed_mentions: { parse: [] } };

export function createLinkingModule(options: LinkingModuleOptions): LinkingModule {
  const { logger } = options;
  const now = options.now ?? Date.now;

  return {
    ...LINKING_MODULE_DECLARATION,

    async onCommand(interaction, reply) {
      const userId = interaction.member?.user.id ?? interaction.user?.id;
      if (!userId) return reply.replyEphemeral('I could not tell who you are.');
      const command = interaction.data.name;

      if (command === 'connections') {
        const links = await options.connections.list(userId);
        if (links.length === 0) return reply.replyEphemeral({ content: 'You have no linked accounts. Link one with /link.', ...NO_MENTIONS });
        const lines = links.map((link) => {
          const line = `**${PLATFORM_NAMES[link.platform]}**: ${plain(link.platformUsername)}, linked <t:${Math.floor(link.createdAt / 1000)}:R>`;
          return link.needsRelinkAt === null ? line : `${line}. Needs relinking: run /link ${link.platform}`;
        });
        return reply.replyEphemeral({ content: lines.join('\n'), ...NO_MENTIONS });
      }

      const platform = platformOf(interaction);
      if (!platform) return reply.replyEphemeral('Choose one of the platforms offered: twitch, youtube, kick or discord.');
      const name = PLATFORM_NAMES[platform];

      if (command === 'link') {
        if (!options.configured(platform)) {
          return reply.replyEphemeral(`Linking ${name} is not set up on this hub: the operator sets ${CREDENTIAL_VARIABLES[platform]}.`);
        }
        const invitation = await options.invitations.issue(userId, platform, now());
        return reply.replyEphemeral({
          content: `Open this link to link your ${name} account. It is valid 5 minutes (until <t:${Math.floor(invitation.expiresAt / 1000)}:t>), works once, and is only for you: do not share it.`,
          components: [
            {
              type: ComponentType.ActionRow,
              components: [{ type: ComponentType.Button, style: ButtonStyle.Link, label: `Link ${name}`, url: `${options.publicUrl}/link/${invitation.token}` }],
            },
          ],
          ...NO_MENTIONS,
        });
      }

      if (command === 'unlink') {
        const link = await options.connections.get(userId, platform);
        if (!link) return reply.replyEphemeral(`You have no ${name} account linked.`);
        let revoked = false;
        if (options.configured(platform)) {
          try {
            await revokeAtProvider(options.client, link);
            revoked = true;
          } catch (error) {
            logger.warn({ platform, discordUserId: userId, error: error instanceof Error ? error.message : String(error) }, 'could not revoke a link at the provider; deleting it anyway');
          }
        }
        await options.connections.remove(userId, platform);
        if (revoked) return reply.replyEphemeral({ content: `Unlinked ${name} (${plain(link.platformUsername)}) and revoked this hub's access.`, ...NO_MENTIONS });
        return reply.replyEphemeral({
          content: `Unlinked ${name} (${plain(link.platformUsername)}): this hub no longer keeps its tokens. ${name} could not confirm that the access was revoked, so remove it there too: ${MANUAL_REVOCATION[platform]}.`,
          ...NO_MENTIONS,
        });
      }

      return reply.replyEphemeral('Unknown linking command.');
    },

    async notifyRelink(connection) {
      const api = options.api();
      const name = PLATFORM_NAMES[connection.platform];
      const channel = await api.users.createDM(connection.discordUserId);
      await api.channels.createMessage(channel.id, {
        content: `Your ${name} link stopped working (the account revoked access or the token expired). Run /link ${connection.platform} to link it again.`,
        allowed_mentions: { parse: [] },
      });
    },
  };
}
