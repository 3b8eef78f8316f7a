/**
 * What a built-in module declares to the hub. Modules never import one another; what they share comes in
 * through the context. The hub checks `intents` against the application's enabled privileged intents
 * before connecting: a module whose intent is missing is disabled with a reason (the rest of the hub
 * runs), unless it is `essential`, in which case start fails with the reason.
 *
 * Interactions reach a module through the `InteractionRouter`: slash commands by the names in `commands`,
 * autocomplete by the same names, components and modals by the owner part of their custom_id (the module's
 * `name`). Each handler gets an `InteractionResponder` for that one interaction; if a handler has not
 * answered shortly before Discord's 3-second deadline, the router defers on its behalf and the handler's
 * later answer becomes an edit of the deferred message.
 */
import type { API } from '@discordjs/core';
import type {
  APIApplicationCommandAutocompleteInteraction,
  APIChatInputApplicationCommandInteraction,
  APIMessageComponentInteraction,
  APIModalSubmitInteraction,
  GatewayDispatchPayload,
  GatewayIntentBits,
} from 'discord-api-types/v10';
import type { Logger } from 'pino';
import type { VersionedCommand } from '../discord/command-versioning.ts';
import type { DispatchOrigin } from '../discord/gateway/dispatch-origin.ts';
import type { CustomIdRoute } from '../interactions/custom-id.ts';
import type { InteractionResponder } from '../interactions/interaction-responder.ts';
import type { Job } from '../jobs/job.ts';

export type ModuleContext = {
  api: API;
  logger: Logger;
};

/** The action and arguments of a component's or modal's custom_id (`<owner>:<action>:<args…>`). */
export type InteractionRoute = Pick<CustomIdRoute, 'action' | 'args'>;

export interface HubModule {
  /** Also the owner prefix of the module's component custom_ids (`<name>:<action>:<args>`). */
  readonly name: string;
  readonly description: string;
  /** Gateway intents the module needs to work. */
  readonly intents: readonly GatewayIntentBits[];
  /** When true, a missing intent stops the hub from starting instead of disabling the module. */
  readonly essential?: boolean;
  /** Guild permissions the bot needs for the module (PermissionFlagsBits); `switchboard doctor` checks them. */
  readonly permissions?: readonly bigint[];
  /** Slash commands the module provides; registered at start, routed to `onCommand` by name. */
  readonly commands?: readonly VersionedCommand[];
  /** Gateway events the module reacts to (after routing); `origin` names the dispatch (session and sequence) when known. */
  onDispatch?(event: GatewayDispatchPayload, context: ModuleContext, origin?: DispatchOrigin): Promise<void>;
  /** One of the module's slash commands was used. */
  onCommand?(interaction: APIChatInputApplicationCommandInteraction, reply: InteractionResponder, context: ModuleContext): Promise<void>;
  /** A button or select menu whose custom_id the module owns was used. */
  onComponent?(
    interaction: APIMessageComponentInteraction,
    route: InteractionRoute,
    reply: InteractionResponder,
    context: ModuleContext,
  ): Promise<void>;
  /** A modal whose custom_id the module owns was submitted. */
  onModalSubmit?(interaction: APIModalSubmitInteraction, route: InteractionRoute, reply: InteractionResponder, context: ModuleContext): Promise<void>;
  /** A user is typing into an autocomplete option of one of the module's commands; answer with `reply.autocomplete`. */
  onAutocomplete?(interaction: APIApplicationCommandAutocompleteInteraction, reply: InteractionResponder, context: ModuleContext): Promise<void>;
  /** Leased jobs the module runs. */
  jobs?(context: ModuleContext): Job[];
  /** Clears every timer the module holds. */
  stop?(): Promise<void>;
}
