/** The `/ticket` slash command. Bump its version when its definition or meaning changes. */
import { ApplicationCommandOptionType } from 'discord-api-types/v10';
import type { VersionedCommand } from '../../discord/command-versioning.ts';

export const TICKET_COMMAND: VersionedCommand = {
  module: 'tickets',
  version: '1.0.0',
  definition: {
    name: 'ticket',
    description: 'Support tickets',
    options: [
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'open',
        description: 'Open a support ticket',
        options: [
          { type: ApplicationCommandOptionType.String, name: 'category', description: 'What the ticket is about (a ticket category)', required: false, max_length: 100 },
          {
            type: ApplicationCommandOptionType.String,
            name: 'priority',
            description: 'How urgent it is',
            required: false,
            choices: [
              { name: 'Low', value: 'low' },
              { name: 'Normal', value: 'normal' },
              { name: 'High', value: 'high' },
              { name: 'Urgent', value: 'urgent' },
            ],
          },
        ],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'panel',
        description: 'Post a panel here from which members open tickets (needs Manage Server)',
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'close',
        description: 'Close the ticket of this thread',
        options: [{ type: ApplicationCommandOptionType.String, name: 'reason', description: 'Why it is closed', required: false, max_length: 500 }],
      },
    ],
  },
};
