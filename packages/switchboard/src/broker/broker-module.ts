/**
 * The broker as a module of the hub: it hands an app the clicks and modal submissions on its messages
 * (forwarded at once with a ~2 s budget; answered with the app's own response when it gives one in time,
 * deferred otherwise so that the app follows up), the reactions on its messages, and the messages of the
 * channels it subscribed to. Everything handed over is written to the outbox first — gateway events that
 * arrive within a few milliseconds of each other in one transaction, each dispatch settling only once its
 * rows are committed — and the delivery worker is woken to send them. Messages for the
 * assistant go through the assistant relay, and `/clear` starts a new conversation with it.
 */
import {
  GatewayIntentBits,
  InteractionResponseType,
  PermissionFlagsBits,
  type APIInteractionResponse,
  type APIMessageComponentInteraction,
  type APIModalSubmitInteraction,
  type GatewayDispatchPayload,
} from 'discord-api-types/v10';
import { INTERACTION_RESPONSE_DEADLINE_MS } from 'discord-limits';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { snowflakeTimestamp } from '../interactions/snowflake-time.ts';
import type { InteractionResponder } from '../interactions/interaction-responder.ts';
import type { VersionedCommand } from '../discord/command-versioning.ts';
import type { HubModule } from '../modules/hub-module.ts';
import type { AppRepository } from '../storage/app-repository.ts';
import type { Tables } from '../storage/schema.ts';
import { retryWhileUnavailable } from '../storage/retry-while-unavailable.ts';
import { enqueueEvents, type EnqueueEventInput } from '../storage/webhook-repository.ts';
import { MicroBatcher } from '../util/micro-batcher.ts';
import { namespaceComponents, stripComponents } from './app-components.ts';
import type { AppDirectory } from './app-directory.ts';
import type { AppMessenger } from './app-messenger.ts';
import type { AssistantRelay } from './assistant-relay.ts';
import type { DirectDelivery } from './direct-delivery.ts';
import { newEventId, type WebhookEventType } from './webhook-event.ts';
import { gatewayEventId } from './gateway-event-id.ts';
import type { DispatchOrigin } from '../discord/gateway/dispatch-origin.ts';

export const BROKER_MODULE_NAME = 'apps';

/** How long an app has to answer a click in its HTTP response before the hub defers for it. */
export const APP_INTERACTION_BUDGET_MS = 2_000;

/** `/clear`: starts a new conversation with the assistant in this channel. */
export const CLEAR_COMMAND: VersionedCommand = {
  definition: { name: 'clear', description: 'Starts a new conversation with the assistant in this channel' },
  version: '1.0.0',
  module: BROKER_MODULE_NAME,
};

export type BrokerModuleOptions = {
  db: Kysely<Tables>;
  directory: AppDirectory;
  ownership: AppRepository;
  direct: DirectDelivery;
  messenger: AppMessenger;
  relay: AssistantRelay;
  logger: Logger;
  botUserId: () => string | undefined;
  budgetMs?: number;
  /** Told after events were committed to the outbox: the delivery worker sends them at once instead of at its next poll. */
  onEnqueued?: () => void;
  /** At most this many gateway events per outbox transaction (default `ENQUEUE_BATCH_SIZE`). */
  enqueueBatchSize?: number;
  /** How long the first event of a batch waits for others (default `ENQUEUE_WAIT_MS`). */
  enqueueWaitMs?: number;
};

/** Gateway events written to the outbox in one transaction, at most. */
export const ENQUEUE_BATCH_SIZE = 500;
/**
 * How long the first gateway event of a batch waits for others before the batch is written. Each
 * transaction costs about the same whatever it holds; without a wait a burst went out in batches of ~3.
 */
export const ENQUEUE_WAIT_MS = 3;

type Written = { ok: true } | { ok: false; error: unknown };

/** The app's answer in its HTTP response, if it is an interaction response the hub can use. */
function usableResponse(body: string): APIInteractionResponse | null {
  if (!body.trim()) return null;
  try {
    const parsed = JSON.parse(body) as { type?: unknown };
    const allowed: unknown[] = [
      InteractionResponseType.ChannelMessageWithSource,
      InteractionResponseType.DeferredMessageUpdate,
      InteractionResponseType.UpdateMessage,
      InteractionResponseType.Modal,
    ];
    return allowed.includes(parsed.type) ? (parsed as APIInteractionResponse) : null;
  } catch {
    return null; // not JSON: the app only acknowledged; it follows up later
  }
}

async function answerWith(response: APIInteractionResponse, appId: string, reply: InteractionResponder): Promise<void> {
  const data = 'data' in response && response.data ? namespaceComponents(response.data, appId) : undefined;
  switch (response.type) {
    case InteractionResponseType.ChannelMessageWithSource:
      return reply.reply((data ?? {}) as Parameters<InteractionResponder['reply']>[0]);
    case InteractionResponseType.UpdateMessage:
      return reply.update((data ?? {}) as Parameters<InteractionResponder['update']>[0]);
    case InteractionResponseType.Modal:
      return reply.showModal(data as Parameters<InteractionResponder['showModal']>[0]);
    default:
      return reply.deferUpdate();
  }
}

/** What the broker declares (for the intent check and `switchboard doctor`), without its handlers. */
export const BROKER_MODULE_DECLARATION: HubModule = {
  name: BROKER_MODULE_NAME,
  description: 'Routes Discord events to registered apps and lets them post through the bot',
  intents: [GatewayIntentBits.GuildMessages, GatewayIntentBits.GuildMessageReactions, GatewayIntentBits.DirectMessages, GatewayIntentBits.MessageContent],
  permissions: [PermissionFlagsBits.ViewChannel, PermissionFlagsBits.SendMessages, PermissionFlagsBits.EmbedLinks, PermissionFlagsBits.ReadMessageHistory],
  commands: [CLEAR_COMMAND],
};

export function createBrokerModule(options: BrokerModuleOptions): HubModule {
  const { directory, ownership, direct, messenger, relay, logger, db } = options;
  const budget = options.budgetMs ?? APP_INTERACTION_BUDGET_MS;
  /** Aborted at stop: outbox writes still waiting for the database give up. */
  const stopping = new AbortController();
  const outbox = new MicroBatcher<EnqueueEventInput[], Written>({
    flush: (batch) => writeBatch(batch),
    maxItems: options.enqueueBatchSize ?? ENQUEUE_BATCH_SIZE,
    maxWaitMs: options.enqueueWaitMs ?? ENQUEUE_WAIT_MS,
  });

  async function forwardInteraction(
    type: Extract<WebhookEventType, 'interaction.component' | 'interaction.modal'>,
    interaction: APIMessageComponentInteraction | APIModalSubmitInteraction,
    appId: string,
    reply: InteractionResponder,
  ): Promise<void> {
    const app = directory.get(appId);
    if (!app || !app.events.includes(type)) {
      await reply.replyEphemeral('This button belongs to an app that is no longer connected to this bot.');
      return;
    }
    messenger.handOver(app.id, interaction.token);
    const created = snowflakeTimestamp(interaction.id) ?? Date.now();
    const data = { interaction: stripComponents(interaction, app.id), respondBy: new Date(created + INTERACTION_RESPONSE_DEADLINE_MS).toISOString() };
    const result = await direct.send(app, { type, guildId: interaction.guild_id ?? null, data }, budget);
    const response = result.answered ? usableResponse(result.body) : null;
    if (response) return answerWith(response, app.id, reply);
    // No usable answer in time: acknowledge without changing anything; the app follows up through the hub.
    await reply.deferUpdate();
  }

  async function enqueueFor(appIds: string[], type: WebhookEventType, guildId: string | null, data: unknown, origin?: DispatchOrigin): Promise<void> {
    if (appIds.length === 0) return;
    const now = Date.now();
    // From the gateway the id is derived from the dispatch, so that one replayed after a takeover is dropped by the outbox.
    const events = appIds.map((appId) => ({ id: origin ? gatewayEventId(appId, type, origin) : newEventId(), appId, type, guildId, payload: data, now }));
    // Resolves once committed together with the events that arrived at the same moment (group commit).
    const written = await outbox.add(events);
    if (!written.ok) throw written.error;
    options.onEnqueued?.();
  }

  /** One event's rows for its apps, written alone, retried while the database is unreachable. */
  async function writeAlone(events: EnqueueEventInput[]): Promise<void> {
    // The event exists only in memory until written: a database restart must delay it, not lose it.
    await retryWhileUnavailable(() => db.transaction().execute((trx) => enqueueEvents(trx, events)), {
      signal: stopping.signal,
      onRetry: (error, attempt, delayMs) =>
        attempt === 1 &&
        logger.warn({ err: error, type: events[0]?.type, apps: events.length, retryInMs: delayMs }, 'could not write an event to the outbox; retrying until the database is back'),
    });
  }

  /**
   * Writes the events of many gateway events in one transaction. When that fails, each is written alone,
   * so that one that cannot be written (its app just deleted) fails only its own dispatch, and the others
   * wait for the database as they would have alone.
   */
  async function writeBatch(batch: EnqueueEventInput[][]): Promise<Written[]> {
    try {
      await db.transaction().execute((trx) => enqueueEvents(trx, batch.flat()));
      return batch.map(() => ({ ok: true }));
    } catch {
      return Promise.all(
        batch.map((events) =>
          writeAlone(events).then(
            (): Written => ({ ok: true }),
            (error: unknown): Written => ({ ok: false, error }),
          ),
        ),
      );
    }
  }

  return {
    ...BROKER_MODULE_DECLARATION,

    onComponent: (interaction, route, reply) => forwardInteraction('interaction.component', interaction, route.action, reply),
    onModalSubmit: (interaction, route, reply) => forwardInteraction('interaction.modal', interaction, route.action, reply),

    async onCommand(interaction, reply) {
      if (interaction.data.name !== CLEAR_COMMAND.definition.name) throw new Error(`the broker has no /${interaction.data.name} command`);
      await relay.clear(interaction, reply);
    },

    async onDispatch(event: GatewayDispatchPayload, _context, origin?: DispatchOrigin) {
      switch (event.t) {
        case 'MESSAGE_CREATE': {
          const message = event.d;
          if (message.author.bot || message.webhook_id) return;
          const guildId = message.guild_id ?? null;
          const apps = directory
            .subscribersOf(message.channel_id)
            .filter((app) => app.events.includes('message.create') && guildId !== null && app.guilds.includes(guildId));
          await Promise.all([enqueueFor(apps.map((a) => a.id), 'message.create', guildId, message, origin), relay.handle(message)]);
          return;
        }
        case 'MESSAGE_REACTION_ADD':
        case 'MESSAGE_REACTION_REMOVE': {
          if (event.d.user_id === options.botUserId()) return;
          const owner = await ownership.messageOwner(event.d.message_id);
          const app = owner ? directory.get(owner.appId) : undefined;
          const type = event.t === 'MESSAGE_REACTION_ADD' ? 'reaction.add' : 'reaction.remove';
          if (!app || !app.events.includes(type)) return;
          await enqueueFor([app.id], type, event.d.guild_id ?? null, event.d, origin);
          return;
        }
        case 'MESSAGE_DELETE':
          await ownership.forgetMessage(event.d.id);
          return;
        default:
          return;
      }
    },

    async stop() {
      stopping.abort();
      // Events already handed over are written (or fail at once, the database being gone) before the database closes.
      await outbox.drain();
      directory.stop();
      logger.debug('broker stopped');
    },
  };
}
