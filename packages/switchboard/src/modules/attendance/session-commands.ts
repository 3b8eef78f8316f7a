/** The `/session` slash command. Bump its version when its definition or meaning changes. */
import { ApplicationCommandOptionType, ChannelType } from 'discord-api-types/v10';
import type { VersionedCommand } from '../../discord/command-versioning.ts';

export const SESSION_COMMAND: VersionedCommand = {
  module: 'attendance',
  version: '1.0.0',
  definition: {
    name: 'session',
    description: 'Sessions people can say they attend',
    options: [
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'create',
        description: 'Announce a session with attendance buttons',
        options: [
          { type: ApplicationCommandOptionType.String, name: 'title', description: 'What it is', required: true, max_length: 100 },
          { type: ApplicationCommandOptionType.String, name: 'start', description: 'When it starts, local time: YYYY-MM-DD HH:MM', required: true, max_length: 16 },
          { type: ApplicationCommandOptionType.Integer, name: 'duration', description: 'How long, in minutes (default 120)', required: false, min_value: 1, max_value: 10_080 },
          { type: ApplicationCommandOptionType.String, name: 'timezone', description: 'IANA time zone, e.g. Europe/Berlin (default UTC)', required: false, max_length: 64 },
          { type: ApplicationCommandOptionType.String, name: 'description', description: 'Details', required: false, max_length: 1000 },
          { type: ApplicationCommandOptionType.Channel, name: 'channel', description: 'Where to post it (default here)', required: false, channel_types: [ChannelType.GuildText] },
          { type: ApplicationCommandOptionType.Integer, name: 'capacity', description: 'Places; further Yes answers join a waitlist', required: false, min_value: 1, max_value: 10_000 },
          { type: ApplicationCommandOptionType.Role, name: 'role', description: 'Only members with this role may answer', required: false },
          { type: ApplicationCommandOptionType.Integer, name: 'every_weeks', description: 'Repeat every N weeks', required: false, min_value: 1, max_value: 52 },
          { type: ApplicationCommandOptionType.Integer, name: 'reminder', description: 'Remind those coming this many minutes before', required: false, min_value: 1, max_value: 10_080 },
        ],
      },
    ],
  },
};
