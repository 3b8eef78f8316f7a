/** The account-linking slash commands: `/link`, `/connections`, `/unlink`. Bump a version when its definition or meaning changes. */
import { ApplicationCommandOptionType, type APIApplicationCommandBasicOption } from 'discord-api-types/v10';
import type { VersionedCommand } from '../../discord/command-versioning.ts';

const platformOption = (description: string): APIApplicationCommandBasicOption => ({
  type: ApplicationCommandOptionType.String,
  name: 'platform',
  description,
  required: true,
  choices: [
    { name: 'Twitch', value: 'twitch' },
    { name: 'YouTube', value: 'youtube' },
    { name: 'Kick', value: 'kick' },
    { name: 'Discord', value: 'discord' },
  ],
});

export const LINK_COMMAND: VersionedCommand = {
  module: 'linking',
  version: '1.0.0',
  definition: { name: 'link', description: 'Link your account on another service to this Discord account', options: [platformOption('The service to link')] },
};

export const CONNECTIONS_COMMAND: VersionedCommand = {
  module: 'linking',
  version: '1.0.0',
  definition: { name: 'connections', description: 'The accounts you have linked' },
};

export const UNLINK_COMMAND: VersionedCommand = {
  module: 'linking',
  version: '1.0.0',
  definition: { name: 'unlink', description: 'Unlink an account and revoke the access you granted', options: [platformOption('The service to unlink')] },
};

export const LINKING_COMMANDS: readonly VersionedCommand[] = [LINK_COMMAND, CONNECTIONS_COMMAND, UNLINK_COMMAND];
