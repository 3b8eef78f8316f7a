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
        type: ApplicationCommandOptionType.SubcommandGroup,
        name: 'category',
        description: 'Ticket categories of this server (needs Manage Server)',
        options: [
          {
            type: ApplicationCommandOptionType.Subcommand,
            name: 'add',
            description: 'Add a ticket category',
            options: [
              { type: ApplicationCommandOptionType.String, name: 'name', description: 'The name people pick', required: true, max_length: 100 },
              { type: ApplicationCommandOptionType.Role, name: 'staff', description: 'The role that handles these tickets', required: false },
              { type: ApplicationCommandOptionType.Role, name: 'ping', description: 'A role to mention when a ticket opens', required: false },
              { type: ApplicationCommandOptionType.String, name: 'channel', description: 'The channel its threads go in (default: from the name)', required: false, max_length: 100 },
              { type: ApplicationCommandOptionType.String, name: 'emoji', description: 'An emoji for the category', required: false, max_length: 64 },
              { type: ApplicationCommandOptionType.String, name: 'description', description: 'What the category is for', required: false, max_length: 100 },
            ],
          },
          {
            type: ApplicationCommandOptionType.Subcommand,
            name: 'remove',
            description: 'Remove a ticket category without open tickets',
            options: [{ type: ApplicationCommandOptionType.String, name: 'name', description: 'The category', required: true, max_length: 100 }],
          },
          { type: ApplicationCommandOptionType.Subcommand, name: 'list', description: 'List the ticket categories' },
        ],
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
