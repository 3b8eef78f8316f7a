/** The `/stream` slash command (Manage Server). Bump its version when its definition or meaning changes. */
import { ApplicationCommandOptionType, ChannelType, InteractionContextType, PermissionFlagsBits } from 'discord-api-types/v10';
import type { VersionedCommand } from '../../discord/command-versioning.ts';

export const STREAM_COMMAND: VersionedCommand = {
  module: 'streams',
  version: '1.0.0',
  definition: {
    name: 'stream',
    description: 'Announce when streamers go live',
    default_member_permissions: String(PermissionFlagsBits.ManageGuild),
    contexts: [InteractionContextType.Guild],
    options: [
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'add',
        description: 'Announce in a channel when a streamer goes live',
        options: [
          {
            type: ApplicationCommandOptionType.String,
            name: 'platform',
            description: 'Where they stream',
            required: true,
            choices: [
              { name: 'Twitch', value: 'twitch' },
              { name: 'YouTube', value: 'youtube' },
              { name: 'Kick', value: 'kick' },
            ],
          },
          { type: ApplicationCommandOptionType.String, name: 'streamer', description: 'Their login, handle, channel id or channel URL', required: true, max_length: 200 },
          { type: ApplicationCommandOptionType.Channel, name: 'channel', description: 'Where to announce', required: true, channel_types: [ChannelType.GuildText, ChannelType.GuildAnnouncement] },
          { type: ApplicationCommandOptionType.Role, name: 'role', description: 'A role to mention in the announcement', required: false },
        ],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'remove',
        description: 'Stop announcing a streamer',
        options: [{ type: ApplicationCommandOptionType.String, name: 'streamer', description: 'The subscription to remove', required: true, autocomplete: true, max_length: 200 }],
      },
      { type: ApplicationCommandOptionType.Subcommand, name: 'list', description: "This server's go-live announcements" },
    ],
  },
};
