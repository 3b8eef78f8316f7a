/**
 * Where every gateway event goes: counted; the hub's own view of channels and guilds updated; interactions to the
 * interaction router; everything else to each enabled module's `onDispatch`. A module that fails is logged
 * and counted without holding up the others or the gateway.
 */
import type { GatewayDispatchPayload } from 'discord-api-types/v10';
import type { Logger } from 'pino';
import type { ChannelDirectory } from '../discord/channel-directory.ts';
import type { GuildDirectory } from '../discord/guild-directory.ts';
import type { InteractionRouter } from '../interactions/interaction-router.ts';
import type { HubMetrics } from '../metrics/hub-metrics.ts';
import type { HubModule, ModuleContext } from '../modules/hub-module.ts';
import type { DispatchOrigin } from '../discord/gateway/dispatch-origin.ts';

export type EventRouterOptions = {
  metrics: HubMetrics;
  logger: Logger;
  channels: ChannelDirectory;
  /** The guilds the bot is in, with names and icons, for the dashboard. */
  guilds?: GuildDirectory;
  /** The interaction router, once the enabled modules are known. */
  interactions: () => InteractionRouter | undefined;
  /** The modules that may run with the application's intents. */
  modules: () => readonly HubModule[];
  context: (module: HubModule) => ModuleContext;
};

export class EventRouter {
  readonly #options: EventRouterOptions;
  /** The bot's own user id, from READY: the broker ignores the bot's own reactions. */
  botUserId: string | undefined;

  constructor(options: EventRouterOptions) {
    this.#options = options;
  }

  /**
   * Hands the event on. The promise settles once every module has handled it (interactions are not waited
   * for), so that the gateway stores its sequence as handled only then. `sessionId` is the gateway session's.
   */
  dispatch(shardId: number, payload: GatewayDispatchPayload, sessionId?: string): Promise<void> {
    const { metrics, logger } = this.#options;
    metrics.recordGatewayEvent(payload.t);
    this.#options.channels.observe(payload);
    this.#options.guilds?.observe(payload);
    if (payload.t === 'READY') this.botUserId = payload.d.user.id;
    if (payload.t === 'INTERACTION_CREATE') {
      const user = payload.d.member?.user ?? payload.d.user;
      if (user) metrics.recordUserActivity(user.id);
      void this.#options.interactions()?.handle(payload.d, { receivedAt: Date.now() });
      return Promise.resolve();
    }
    if (payload.t === 'MESSAGE_CREATE') {
      metrics.recordMessage();
      metrics.recordUserActivity(payload.d.author.id);
    }
    const origin: DispatchOrigin | undefined = sessionId === undefined ? undefined : { shardId, sessionId, sequence: payload.s };
    const handling: Promise<void>[] = [];
    for (const module of this.#options.modules()) {
      if (!module.onDispatch) continue;
      const started = performance.now();
      handling.push(
        module
          .onDispatch(payload, this.#options.context(module), origin)
          .then(() => metrics.recordEventProcessing((performance.now() - started) / 1000))
          .catch((error: unknown) => {
            metrics.recordError('module_event');
            logger.error({ err: error, module: module.name, event: payload.t, shard: shardId }, 'a module failed to handle an event');
          }),
      );
    }
    return Promise.all(handling).then(() => undefined);
  }
}
