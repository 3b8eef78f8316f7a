/**
 * The built-in `core` module: /help and /status. It is essential (the hub does not start without it) and
 * needs only the Guilds intent. It reads what it shows through functions given at construction, because
 * the command list belongs to the router and the status to the runtime, both built around the modules.
 */
import { GatewayIntentBits } from 'discord-api-types/v10';
import type { BotStatus } from '../../discord/bot-status.ts';
import type { VersionedCommand } from '../../discord/command-versioning.ts';
import type { HubModule } from '../hub-module.ts';
import { CORE_COMMANDS, CORE_MODULE_NAME, HELP_COMMAND, STATUS_COMMAND } from './core-commands.ts';
import { helpText } from './help-text.ts';
import { statusEmbed } from './status-embed.ts';

export type CoreModuleOptions = {
  /** The commands the router routes (e.g. `() => router.commands`). */
  commands: () => readonly VersionedCommand[];
  /** The bot's status right now. */
  status: () => BotStatus;
};

export function createCoreModule(options: CoreModuleOptions): HubModule {
  return {
    name: CORE_MODULE_NAME,
    description: 'Built-in commands: /help and /status.',
    intents: [GatewayIntentBits.Guilds],
    essential: true,
    commands: CORE_COMMANDS,
    async onCommand(interaction, reply) {
      switch (interaction.data.name) {
        case HELP_COMMAND.definition.name:
          await reply.replyEphemeral(helpText(options.commands()));
          return;
        case STATUS_COMMAND.definition.name:
          await reply.replyEphemeral({ embeds: [statusEmbed(options.status())] });
          return;
        default:
          throw new Error(`the core module has no /${interaction.data.name} command`);
      }
    },
  };
}
