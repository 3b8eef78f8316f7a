/**
 * The modules Switchboard ships, in one list: the hub runs them, and `switchboard doctor` reads what they
 * declare (intents, permissions). A new module is added here and nowhere else.
 */
import type { BotStatus } from '../discord/bot-status.ts';
import type { VersionedCommand } from '../discord/command-versioning.ts';
import { createCoreModule } from './core/core-module.ts';
import type { HubModule } from './hub-module.ts';

export type BuiltInModuleContext = {
  /** Every registered command, for /help. */
  commands: () => readonly VersionedCommand[];
  status: () => BotStatus;
  /** The broker's module (routing for outside apps), built with the broker. */
  broker: HubModule;
  /** The /config module, built with the guild configuration service. */
  config: HubModule;
  /** The support tickets module, built with its services. */
  tickets: HubModule;
  /** The attendance module, built with its service. */
  attendance: HubModule;
  /** The account-linking module, built with its stores. */
  linking: HubModule;
  /** The go-live notifications module, built with its service. */
  streams: HubModule;
  /** The Kaltura meetings module, built with its service. */
  meetings: HubModule;
};

export function builtInModules(context: BuiltInModuleContext): HubModule[] {
  return [createCoreModule({ commands: () => [...context.commands()], status: context.status }), context.config, context.broker, context.tickets, context.attendance, context.linking, context.streams, context.meetings];
}
