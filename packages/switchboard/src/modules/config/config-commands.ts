/** The `/config` slash command. Bump its version when its definition or meaning changes. */
import { ApplicationCommandOptionType, PermissionFlagsBits } from 'discord-api-types/v10';
import type { VersionedCommand } from '../../discord/command-versioning.ts';
import { GUILD_CONFIG_SECTIONS } from '../../config/guild-config/guild-config-schema.ts';

export const CONFIG_COMMAND: VersionedCommand = {
  module: 'config',
  version: '1.0.0',
  definition: {
    name: 'config',
    description: "This server's Switchboard settings",
    default_member_permissions: String(PermissionFlagsBits.ManageGuild),
    dm_permission: false,
    options: [
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'view',
        description: 'Show the settings in effect, and which ones this server changed',
        options: [
          {
            type: ApplicationCommandOptionType.String,
            name: 'section',
            description: 'Only this section',
            required: false,
            choices: GUILD_CONFIG_SECTIONS.map((section) => ({ name: section, value: section })),
          },
        ],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'set',
        description: 'Change one setting',
        options: [
          { type: ApplicationCommandOptionType.String, name: 'path', description: 'The setting, e.g. meetings.defaultDurationMinutes', required: true, autocomplete: true, max_length: 100 },
          { type: ApplicationCommandOptionType.String, name: 'value', description: 'The new value (true/false, a number, a list separated by commas, or text)', required: true, max_length: 1500 },
        ],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'reset',
        description: 'Go back to the default for one setting or section, or for everything',
        options: [{ type: ApplicationCommandOptionType.String, name: 'path', description: 'The setting or section (everything when left out)', required: false, autocomplete: true, max_length: 100 }],
      },
    ],
  },
};
