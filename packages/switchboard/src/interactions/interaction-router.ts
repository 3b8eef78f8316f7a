/**
 * Hands each interaction to the module it belongs to and makes sure Discord always gets an answer in time:
 * slash commands and autocomplete by command name, components and modals by the owner part of the
 * custom_id. Around every handler it enforces a per-user budget, defers shortly before Discord's 3-second
 * deadline when the handler is still working, answers what nobody handles, and turns failures into a
 * sentence for the user (with a reference that is also in the log). It never throws: one bad interaction
 * must not disturb the gateway loop that feeds it.
 */
import type { API } from '@discordjs/core';
import { DiscordAPIError, HTTPError } from '@discordjs/rest';
import { InteractionType, RESTJSONErrorCodes, type APIInteraction } from 'discord-api-types/v10';
import { INTERACTION_RESPONSE_DEADLINE_MS } from 'discord-limits';
import type { Logger } from 'pino';
import { collectCommands } from '../discord/command-registry.ts';
import { deprecationNotice, type VersionedCommand } from '../discord/command-versioning.ts';
import { discordErrorReply, newReferenceId, restFailureFromError } from '../discord/discord-error-reply.ts';
import type { HubModule, ModuleContext } from '../modules/hub-module.ts';
import type { RateLimiter, RateLimitRule } from '../rate-limit/rate-limiter.ts';
import { appIdOfCustomId, parseCustomId } from './custom-id.ts';
import { classifyInteraction, interactionSubject, interactionUserId, type ClassifiedInteraction, type InteractionKind } from './interaction-kind.ts';
import {
  NOTHING_TO_SAY_MESSAGE,
  rateLimitedMessage,
  unexpectedErrorMessage,
  unknownCommandMessage,
  unknownComponentMessage,
  unknownModalMessage,
} from './interaction-messages.ts';
import { InteractionExpiredError, InteractionResponder } from './interaction-responder.ts';

/** How long before Discord's deadline the router defers for a handler that has not answered. */
export const AUTO_DEFER_MARGIN_MS = 500;

/** Failures the observer is told about. */
export type InteractionErrorType = 'discord' | 'unexpected' | 'expired' | 'reply_failed' | 'rate_limiter';

/** The kinds the router hands to modules (pings and context-menu commands are ignored). */
export type RoutedInteractionKind = Exclude<InteractionKind, 'other'>;

/** Hooks for metrics; each is optional, and an observer that throws is logged and ignored. */
export type InteractionObserver = {
  /** The first acknowledgement of an interaction, `ms` after it was created (or received); `ms` over the deadline means late. */
  onResponded?(kind: RoutedInteractionKind, ms: number): void;
  /** The interaction was never acknowledged: Discord refused the answer because the deadline had passed. */
  onDeadlineMissed?(kind: RoutedInteractionKind): void;
  onError?(type: InteractionErrorType): void;
};

export type InteractionRouterOptions = {
  /** The enabled modules; a disabled module's commands and components are answered as unknown. */
  modules: readonly HubModule[];
  api: API;
  logger: Logger;
  rateLimiter: RateLimiter;
  /** The budget of each user (key `interaction:<userId>`); autocomplete does not count against it. */
  rateLimit: RateLimitRule;
  observer?: InteractionObserver;
  /** What handlers get as their context; by default the API and a logger tagged with the module name. */
  contextFor?: (module: HubModule) => ModuleContext;
  now?: () => number;
  /** When to defer, counted from the interaction's creation; defaults to the deadline less the margin. */
  autoDeferAfterMs?: number;
  /** The module that handles outside apps' components (`app.<id>:…`); it gets the app id as the route's action. */
  appInteractionsModule?: string;
  /** A guild's own rules (modules and commands switched off, its members' budget); none outside guilds. */
  guildPolicy?: (guildId: string) => Promise<GuildInteractionPolicy>;
};

/** What a guild's configuration says about interactions in it. */
export type GuildInteractionPolicy = {
  disabledModules: readonly string[];
  disabledCommands: readonly string[];
  /** Replaces the hub-wide budget for members in this guild. */
  rateLimit: RateLimitRule;
};

/** Modules a guild cannot switch off: the help and status commands, and the settings themselves. */
const ALWAYS_ON_MODULES: ReadonlySet<string> = new Set(['core', 'config']);

export type InteractionOutcome = {
  kind: InteractionKind;
  outcome: 'handled' | 'unknown' | 'rate-limited' | 'failed' | 'ignored';
  module: string | null;
  /** From creation (or receipt) to the first acknowledgement; null when nothing was acknowledged. */
  acknowledgedAfterMs: number | null;
  /** The router deferred because the handler had not answered in time. */
  deferredByRouter: boolean;
  /** The reference quoted to the user when the failure was unexpected. */
  reference: string | null;
};

/** What every log line about an interaction carries. */
type LogFields = {
  interactionId: string;
  kind: InteractionKind;
  subject: string | null;
  userId: string | null;
  guildId: string | null;
  module: string | null;
};

type Target =
  | { found: true; module: HubModule; command: VersionedCommand | null; route: { action: string; args: string[] } | null }
  | { found: false; message: string };

export class InteractionRouter {
  readonly #api: API;
  readonly #logger: Logger;
  readonly #rateLimiter: RateLimiter;
  readonly #rateLimit: RateLimitRule;
  readonly #guildPolicy: ((guildId: string) => Promise<GuildInteractionPolicy>) | undefined;
  readonly #observer: InteractionObserver;
  readonly #now: () => number;
  readonly #autoDeferAfterMs: number;
  readonly #contextFor: (module: HubModule) => ModuleContext;
  readonly #modules = new Map<string, HubModule>();
  readonly #commandsByName = new Map<string, { module: HubModule; command: VersionedCommand }>();
  readonly #commands: readonly VersionedCommand[];
  readonly #contexts = new Map<string, ModuleContext>();
  readonly #inFlight = new Set<Promise<InteractionOutcome>>();

  readonly #appInteractionsModule: string | undefined;

  constructor(options: InteractionRouterOptions) {
    this.#api = options.api;
    this.#logger = options.logger;
    this.#rateLimiter = options.rateLimiter;
    this.#rateLimit = options.rateLimit;
    this.#guildPolicy = options.guildPolicy;
    this.#observer = options.observer ?? {};
    this.#now = options.now ?? Date.now;
    this.#autoDeferAfterMs = options.autoDeferAfterMs ?? INTERACTION_RESPONSE_DEADLINE_MS - AUTO_DEFER_MARGIN_MS;
    this.#appInteractionsModule = options.appInteractionsModule;
    this.#contextFor = options.contextFor ?? ((module) => ({ api: this.#api, logger: this.#logger.child({ module: module.name }) }));
    // Mistakes here are the hub's own bugs; failing at construction names them before any user meets them.
    for (const module of options.modules) {
      if (this.#modules.has(module.name)) throw new Error(`two enabled modules are named "${module.name}"`);
      this.#modules.set(module.name, module);
      if ((module.commands?.length ?? 0) > 0 && !module.onCommand) {
        throw new Error(`the module "${module.name}" declares commands but has no onCommand handler`);
      }
      for (const command of module.commands ?? []) {
        const name = command.definition.name;
        const existing = this.#commandsByName.get(name);
        if (existing) throw new Error(`/${name} is declared by both "${existing.module.name}" and "${module.name}"`);
        this.#commandsByName.set(name, { module, command });
      }
    }
    this.#commands = Object.freeze(collectCommands(options.modules));
  }

  /** Every routed command, in module order: what /help lists and what is registered. */
  get commands(): readonly VersionedCommand[] {
    return this.#commands;
  }

  /** Interactions being handled right now. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /**
   * Handles one INTERACTION_CREATE. Pass `receivedAt` as early as possible (when the gateway event
   * arrived) so that the deadline is measured honestly. Resolves when the handler is done; never rejects.
   */
  handle(interaction: APIInteraction, options: { receivedAt?: number } = {}): Promise<InteractionOutcome> {
    const receivedAt = options.receivedAt ?? this.#now();
    const run = this.#handle(interaction, receivedAt).catch((error: unknown): InteractionOutcome => {
      // Only a bug in the router itself gets here; it is logged rather than allowed to reach the gateway loop.
      this.#logger.error({ err: error, interactionId: interaction.id }, 'the interaction router failed');
      return { kind: 'other', outcome: 'failed', module: null, acknowledgedAfterMs: null, deferredByRouter: false, reference: null };
    });
    this.#inFlight.add(run);
    void run.finally(() => this.#inFlight.delete(run));
    return run;
  }

  /** Waits for the interactions in flight, at most `timeoutMs`; true when they all finished. */
  async drain(timeoutMs: number): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([Promise.all([...this.#inFlight]).then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async #handle(interaction: APIInteraction, receivedAt: number): Promise<InteractionOutcome> {
    const classified = classifyInteraction(interaction);
    const { kind } = classified;
    const ignored: InteractionOutcome = { kind, outcome: 'ignored', module: null, acknowledgedAfterMs: null, deferredByRouter: false, reference: null };
    if (kind === 'other') return ignored;

    const target = this.#resolve(classified);
    const moduleName = target.found ? target.module.name : null;
    const notice = target.found && target.command ? deprecationNotice(target.command) : null;
    const responder = new InteractionResponder({
      api: this.#api,
      interaction,
      receivedAt,
      now: this.#now,
      notice,
      onAcknowledged: (ms) => this.#acknowledged(kind, ms, classified),
    });
    const logFields: LogFields = {
      interactionId: interaction.id,
      kind,
      subject: interactionSubject(classified),
      userId: interactionUserId(interaction),
      guildId: interaction.guild_id ?? null,
      module: moduleName,
    };

    let deferredByRouter = false;
    let autoDefer: Promise<void> | undefined;
    const timer =
      kind === 'autocomplete'
        ? undefined
        : setTimeout(
            () => {
              autoDefer = responder.deferIfPending().then(
                (deferred) => {
                  deferredByRouter = deferred;
                  if (deferred) this.#logger.debug(logFields, 'deferred the interaction for a handler still working');
                },
                async (error: unknown) => {
                  await this.#failed(error, responder, logFields, { reply: false });
                },
              );
            },
            Math.max(0, responder.origin.at + this.#autoDeferAfterMs - this.#now()),
          );

    const outcome = (result: InteractionOutcome['outcome'], reference: string | null = null): InteractionOutcome => ({
      kind,
      outcome: result,
      module: moduleName,
      acknowledgedAfterMs: responder.acknowledgedAfterMs,
      deferredByRouter,
      reference,
    });

    try {
      const policy = await this.#policy(interaction, logFields);
      if (kind !== 'autocomplete') {
        const retryAfterMs = await this.#overBudget(interaction, logFields, policy);
        if (retryAfterMs !== null) {
          await responder.replyEphemeral(rateLimitedMessage(retryAfterMs));
          return outcome('rate-limited');
        }
      }
      if (!target.found) {
        if (kind === 'autocomplete') await responder.autocomplete([]);
        else await responder.replyEphemeral(target.message);
        return outcome('unknown');
      }
      const switchedOff = policy ? this.#switchedOff(classified, target, policy) : null;
      if (switchedOff !== null) {
        if (kind === 'autocomplete') await responder.autocomplete([]);
        else await responder.replyEphemeral(switchedOff);
        return outcome('unknown');
      }
      await this.#invoke(classified, target, responder);
      // The timer may have fired while the handler ran; let its deferral land before judging the state.
      await autoDefer;
      await this.#answerIfSilent(responder, kind, logFields);
      return outcome('handled');
    } catch (error) {
      await autoDefer;
      const reference = await this.#failed(error, responder, logFields, { reply: true });
      return outcome('failed', reference);
    } finally {
      clearTimeout(timer);
      await autoDefer;
    }
  }

  #resolve(classified: ClassifiedInteraction): Target {
    switch (classified.kind) {
      case 'command':
      case 'autocomplete': {
        const name = classified.interaction.data.name;
        const entry = this.#commandsByName.get(name);
        const handles = classified.kind === 'command' ? entry?.module.onCommand : entry?.module.onAutocomplete;
        if (!entry || !handles) return { found: false, message: unknownCommandMessage(name) };
        return { found: true, module: entry.module, command: entry.command, route: null };
      }
      case 'component':
      case 'modal': {
        const unknown = classified.kind === 'component' ? unknownComponentMessage() : unknownModalMessage();
        const customId = classified.interaction.data.custom_id;
        const appId = appIdOfCustomId(customId);
        if (appId !== null) {
          // An outside app's id is free-form after its prefix, so it is not parsed further here.
          const broker = this.#appInteractionsModule ? this.#modules.get(this.#appInteractionsModule) : undefined;
          const handlesApp = classified.kind === 'component' ? broker?.onComponent : broker?.onModalSubmit;
          if (!broker || !handlesApp) return { found: false, message: unknown };
          return { found: true, module: broker, command: null, route: { action: appId, args: [] } };
        }
        const parsed = parseCustomId(customId);
        if (!parsed.ok) return { found: false, message: unknown };
        const module = this.#modules.get(parsed.owner);
        const handles = classified.kind === 'component' ? module?.onComponent : module?.onModalSubmit;
        if (!module || !handles) return { found: false, message: unknown };
        return { found: true, module, command: null, route: { action: parsed.action, args: parsed.args } };
      }
      default:
        return { found: false, message: unknownComponentMessage() };
    }
  }

  async #invoke(classified: ClassifiedInteraction, target: Extract<Target, { found: true }>, responder: InteractionResponder): Promise<void> {
    const { module } = target;
    const context = this.#context(module);
    const route = target.route ?? { action: '', args: [] };
    switch (classified.kind) {
      case 'command':
        await module.onCommand?.(classified.interaction, responder, context);
        return;
      case 'autocomplete':
        await module.onAutocomplete?.(classified.interaction, responder, context);
        return;
      case 'component':
        await module.onComponent?.(classified.interaction, route, responder, context);
        return;
      case 'modal':
        await module.onModalSubmit?.(classified.interaction, route, responder, context);
        return;
      default:
        return;
    }
  }

  #context(module: HubModule): ModuleContext {
    let context = this.#contexts.get(module.name);
    if (!context) {
      context = this.#contextFor(module);
      this.#contexts.set(module.name, context);
    }
    return context;
  }

  /** The wait before the user may try again, or null when within budget. A failing limiter lets people through. */
  async #overBudget(interaction: APIInteraction, logFields: LogFields, policy: GuildInteractionPolicy | null): Promise<number | null> {
    const userId = interactionUserId(interaction);
    if (userId === null) return null;
    try {
      // A guild's own budget is kept apart from the hub-wide one, so that a strict guild does not bind elsewhere.
      const decision = policy
        ? await this.#rateLimiter.consume(`interaction:${interaction.guild_id}:${userId}`, policy.rateLimit)
        : await this.#rateLimiter.consume(`interaction:${userId}`, this.#rateLimit);
      return decision.allowed ? null : decision.retryAfterMs;
    } catch (error) {
      // Refusing everyone because Redis is unreachable would take the whole bot down with it.
      this.#logger.warn({ ...logFields, err: error }, 'the interaction rate limiter failed; letting the interaction through');
      this.#notify('onError', 'rate_limiter');
      return null;
    }
  }

  /** The guild's rules, or null outside a guild, without a policy, or when it cannot be read (then the hub-wide rules apply). */
  async #policy(interaction: APIInteraction, logFields: LogFields): Promise<GuildInteractionPolicy | null> {
    if (!this.#guildPolicy || !interaction.guild_id) return null;
    try {
      return await this.#guildPolicy(interaction.guild_id);
    } catch (error) {
      this.#logger.warn({ ...logFields, err: error }, "the guild's configuration could not be read; the hub-wide rules apply");
      return null;
    }
  }

  /** Why a guild's configuration refuses this interaction, or null when it does not. */
  #switchedOff(classified: ClassifiedInteraction, target: Extract<Target, { found: true }>, policy: GuildInteractionPolicy): string | null {
    const moduleName = target.module.name;
    if (ALWAYS_ON_MODULES.has(moduleName)) return null;
    if (policy.disabledModules.includes(moduleName)) {
      return `The ${moduleName} module is switched off in this server. Someone with Manage Server can turn it on with \`/config set modules.${moduleName} true\`.`;
    }
    if ((classified.kind === 'command' || classified.kind === 'autocomplete') && policy.disabledCommands.includes(classified.interaction.data.name)) {
      return `/${classified.interaction.data.name} is switched off in this server (setting \`commands.disabled\`).`;
    }
    return null;
  }

  /** A handler that returned without answering leaves Discord saying "The application did not respond". */
  async #answerIfSilent(responder: InteractionResponder, kind: InteractionKind, logFields: LogFields): Promise<void> {
    if (responder.state !== 'pending' && !responder.awaitingDeferredReply) return;
    this.#logger.warn(logFields, 'the handler returned without answering the interaction; answering for it');
    if (responder.awaitingDeferredReply) await responder.editReply(NOTHING_TO_SAY_MESSAGE);
    else if (kind === 'component') await responder.deferUpdate();
    else if (kind === 'autocomplete') await responder.autocomplete([]);
    else await responder.replyEphemeral(NOTHING_TO_SAY_MESSAGE);
  }

  /** Logs a failure, tells the observer, and (when `reply`) tells the user; returns the reference quoted, if any. */
  async #failed(error: unknown, responder: InteractionResponder, logFields: LogFields, options: { reply: boolean }): Promise<string | null> {
    if (error instanceof InteractionExpiredError) {
      this.#logger.warn({ ...logFields, err: error }, 'the interaction expired before its handler answered');
      this.#notify('onError', 'expired');
      return null;
    }
    if (error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.UnknownInteraction) {
      // Discord has forgotten the interaction (the deadline passed): no answer can reach the user any more.
      this.#logger.warn({ ...logFields, err: error }, 'Discord no longer knows the interaction; the answer came too late');
      if (!responder.acknowledged && logFields.kind !== 'other') this.#notify('onDeadlineMissed', logFields.kind);
      this.#notify('onError', 'discord');
      return null;
    }
    let message: string;
    let reference: string | null;
    if (error instanceof DiscordAPIError || error instanceof HTTPError) {
      const failure = restFailureFromError(error instanceof DiscordAPIError ? error : { code: '', status: error.status, method: error.method, url: error.url });
      const answer = discordErrorReply(failure);
      message = answer.message;
      reference = answer.referenceId;
      const level = reference === null ? 'warn' : 'error';
      this.#logger[level]({ ...logFields, err: error, reference, request: answer.summary }, 'a Discord request made for the interaction failed');
      this.#notify('onError', 'discord');
    } else {
      reference = newReferenceId();
      message = unexpectedErrorMessage(reference);
      this.#logger.error({ ...logFields, err: error, reference }, 'the interaction handler failed');
      this.#notify('onError', 'unexpected');
    }
    if (!options.reply) return reference;
    try {
      if (responder.interaction.type === InteractionType.ApplicationCommandAutocomplete) {
        // A sentence cannot be shown in place of suggestions; an empty list at least ends the spinner.
        if (!responder.acknowledged) await responder.autocomplete([]);
      } else {
        await responder.replyEphemeral(message);
      }
    } catch (replyError) {
      this.#logger.warn({ ...logFields, err: replyError, reference }, 'could not tell the user that the interaction failed');
      this.#notify('onError', 'reply_failed');
    }
    return reference;
  }

  /** A late acknowledgement is only logged here: `onResponded` carries its time, so the observer can count it. */
  #acknowledged(kind: RoutedInteractionKind, ms: number, classified: ClassifiedInteraction): void {
    this.#notify('onResponded', kind, ms);
    if (ms > INTERACTION_RESPONSE_DEADLINE_MS) {
      this.#logger.warn({ interactionId: classified.interaction.id, kind, ms }, 'the interaction was acknowledged after the deadline');
    }
  }

  #notify<K extends keyof InteractionObserver>(hook: K, ...args: Parameters<NonNullable<InteractionObserver[K]>>): void {
    try {
      (this.#observer[hook] as ((...values: unknown[]) => void) | undefined)?.call(this.#observer, ...args);
    } catch (error) {
      this.#logger.warn({ err: error, hook }, 'the interaction observer failed');
    }
  }
}
