/**
 * What a built-in module declares to the hub. Modules never import one another; what they share comes in
 * through the context. The hub checks `intents` against the application's enabled privileged intents
 * before connecting: a module whose intent is missing is disabled with a reason (the rest of the hub
 * runs), unless it is `essential`, in which case start fails with the reason.
 */
import type { API } from '@discordjs/core';
import type { GatewayDispatchPayload, GatewayIntentBits } from 'discord-api-types/v10';
import type { Logger } from 'pino';
import type { Job } from '../jobs/job.ts';

export type ModuleContext = {
  api: API;
  logger: Logger;
};

export interface HubModule {
  /** Also the owner prefix of the module's component custom_ids (`<name>:<action>:<args>`). */
  readonly name: string;
  readonly description: string;
  /** Gateway intents the module needs to work. */
  readonly intents: readonly GatewayIntentBits[];
  /** When true, a missing intent stops the hub from starting instead of disabling the module. */
  readonly essential?: boolean;
  /** Gateway events the module reacts to (after routing). */
  onDispatch?(event: GatewayDispatchPayload, context: ModuleContext): Promise<void>;
  /** Leased jobs the module runs. */
  jobs?(context: ModuleContext): Job[];
  /** Clears every timer the module holds. */
  stop?(): Promise<void>;
}
