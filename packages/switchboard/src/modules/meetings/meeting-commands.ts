/** The meetings slash commands (`/kaltura-start`, `/kaltura-join`, `/kaltura-list`, `/kaltura-end`). Bump a version when its definition or meaning changes. */
import { ApplicationCommandOptionType, InteractionContextType } from 'discord-api-types/v10';
import type { VersionedCommand } from '../../discord/command-versioning.ts';

const MODULE = 'meetings';

export const KALTURA_START_COMMAND: VersionedCommand = {
  module: MODULE,
  version: '1.0.0',
  definition: {
    name: 'kaltura-start',
    description: 'Start a Kaltura meeting and announce it here',
    contexts: [InteractionContextType.Guild],
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: 'type',
        description: 'What kind of room',
        required: true,
        choices: [
          { name: 'Meeting', value: 'meeting' },
          { name: 'Webinar', value: 'webinar' },
          { name: 'Classroom', value: 'classroom' },
        ],
      },
      { type: ApplicationCommandOptionType.String, name: 'title', description: 'What it is about', required: true, min_length: 1, max_length: 100 },
      { type: ApplicationCommandOptionType.Integer, name: 'duration', description: "How long, in minutes (default: the server's setting)", required: false, min_value: 5, max_value: 1440 },
    ],
  },
};

export const KALTURA_JOIN_COMMAND: VersionedCommand = {
  module: MODULE,
  version: '1.0.0',
  definition: {
    name: 'kaltura-join',
    description: 'Get your personal link into a running meeting',
    contexts: [InteractionContextType.Guild],
    options: [{ type: ApplicationCommandOptionType.String, name: 'meeting', description: 'Which meeting (the only running one when left out)', required: false, autocomplete: true, max_length: 100 }],
  },
};

export const KALTURA_LIST_COMMAND: VersionedCommand = {
  module: MODULE,
  version: '1.0.0',
  definition: {
    name: 'kaltura-list',
    description: 'Running meetings, and the last ones that ended',
    contexts: [InteractionContextType.Guild],
  },
};

export const KALTURA_END_COMMAND: VersionedCommand = {
  module: MODULE,
  version: '1.0.0',
  definition: {
    name: 'kaltura-end',
    description: 'End a running meeting (its host, a meeting moderator or Manage Server)',
    contexts: [InteractionContextType.Guild],
    options: [{ type: ApplicationCommandOptionType.String, name: 'meeting', description: 'Which meeting', required: true, autocomplete: true, max_length: 100 }],
  },
};

export const MEETING_COMMANDS: readonly VersionedCommand[] = [KALTURA_START_COMMAND, KALTURA_JOIN_COMMAND, KALTURA_LIST_COMMAND, KALTURA_END_COMMAND];
