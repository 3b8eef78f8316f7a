/** The slash commands of the built-in `core` module. Bump a version when its definition or meaning changes. */
import type { VersionedCommand } from '../../discord/command-versioning.ts';

export const CORE_MODULE_NAME = 'core';

export const HELP_COMMAND: VersionedCommand = {
  definition: { name: 'help', description: 'Lists my commands and what they do' },
  version: '1.0.0',
  module: CORE_MODULE_NAME,
};

export const STATUS_COMMAND: VersionedCommand = {
  definition: { name: 'status', description: 'Shows whether I am connected and which features are on' },
  version: '1.0.0',
  module: CORE_MODULE_NAME,
};

export const CORE_COMMANDS: readonly VersionedCommand[] = [HELP_COMMAND, STATUS_COMMAND];
