/**
 * The Discord side of tickets: keeps the ticket channels in place (as `ticket-layout` plans them), opens a
 * private thread per ticket, archives, reopens and deletes those threads, and logs closed tickets in the
 * archive channel. It decides nothing itself: the plans come from `ticket-layout` and `active-thread-budget`,
 * and what it sends is what they say.
 *
 * Channel ids are remembered per guild. A remembered id is checked by use: when Discord answers Unknown
 * Channel (someone deleted the channel by hand), the id is forgotten, the layout planned again from the
 * guild's channels, the channel recreated and the call made once more. `ensureLayout` always plans from a
 * fresh channel list. Layout work runs one at a time per guild, so that tickets opened together never create
 * the same channel twice.
 */
import type { API } from '@discordjs/core';
import type { RawFile } from '@discordjs/rest';
import {
  ChannelType,
  RESTJSONErrorCodes,
  type APIActionRowComponent,
  type APIComponentInMessageActionRow,
  type APIEmbed,
  type APIThreadChannel,
} from 'discord-api-types/v10';
import { MESSAGE_CONTENT_MAX, THREAD_AUTO_ARCHIVE_MINUTES } from 'discord-limits';
import { snowflakeTimestamp } from '../../../interactions/snowflake-time.ts';
import { planThreadBudget, type ThreadCandidate } from './active-thread-budget.ts';
import { SerialByKey } from './serial-by-key.ts';
import { asTicketFailure, discordCode, TicketDiscordFailure, TicketLimitRefusal } from './ticket-discord-errors.ts';
import { layoutChannel, planArchiveLog, planTicketChannel, ticketChannelName, type LayoutChannel, type PlacementPlan } from './ticket-layout.ts';
import { ticketThreadName } from './thread-name.ts';

/** What the manager needs to know of a ticket category: the name of its channel, e.g. "bug-reports". */
export type TicketCategoryChannel = { channelName: string };

export type OpenThreadInput = {
  guildId: string;
  ticketCategory: TicketCategoryChannel;
  number: number;
  title: string;
  creatorId: string;
  /** Staff roles of the ticket's category; their members who can see the channel are brought into the thread. */
  staffRoleIds: readonly string[];
  embed: APIEmbed;
  components: APIActionRowComponent<APIComponentInMessageActionRow>[];
};

export type OpenedThread = { channelId: string; threadId: string; messageId: string };

export type EnsuredLayout = { channels: Record<string, string>; archiveLogChannelId: string };

export type Transcript = { fileName: string; text: string };

export type TicketChannelManagerOptions = {
  api: API;
  /** Threads of closed tickets (from the ticket core); when the guild is at the active-thread cap, these are archived first. */
  closedTicketThreads?: (guildId: string) => Promise<readonly string[]>;
  /** A ticket thread nobody wrote in for this long may be archived to make room (default 7 days). */
  idleAfterMs?: number;
  now?: () => number;
};

const DAY_MS = 24 * 60 * 60_000;
/** The longest auto-archive Discord accepts: a quiet ticket stays in the list for a week. */
const AUTO_ARCHIVE_MINUTES = Math.max(...THREAD_AUTO_ARCHIVE_MINUTES);
const ARCHIVE_KEY = '#archive-log';

type ThreadBody = Parameters<API['channels']['createThread']>[1];

export class TicketChannelManager {
  readonly #api: API;
  readonly #closedTicketThreads: (guildId: string) => Promise<readonly string[]>;
  readonly #idleAfterMs: number;
  readonly #now: () => number;
  /** `guildId/channel name` → channel id. */
  readonly #channelIds = new Map<string, string>();
  /** Channels that hold ticket threads: only their threads are ever archived for being idle. */
  readonly #ticketChannels = new Set<string>();
  readonly #layoutQueue = new SerialByKey();

  constructor(options: TicketChannelManagerOptions) {
    this.#api = options.api;
    this.#closedTicketThreads = options.closedTicketThreads ?? (() => Promise.resolve([]));
    this.#idleAfterMs = options.idleAfterMs ?? 7 * DAY_MS;
    this.#now = options.now ?? Date.now;
  }

  /** Creates whatever the ticket channels of `categories` and the archive log channel lack; returns their ids. */
  async ensureLayout(guildId: string, categories: readonly TicketCategoryChannel[]): Promise<EnsuredLayout> {
    return this.#layoutQueue.run(guildId, async () => {
      const channels = await this.#guildChannels(guildId);
      const ids: Record<string, string> = {};
      for (const category of categories) {
        const name = ticketChannelName(category.channelName);
        ids[name] = await this.#place(guildId, channels, name, planTicketChannel(channels, name));
      }
      const archiveLogChannelId = await this.#place(guildId, channels, ARCHIVE_KEY, planArchiveLog(channels));
      return { channels: ids, archiveLogChannelId };
    });
  }

  /**
   * Opens the ticket's private thread in its category's channel, adds the creator, brings in the staff and posts
   * the ticket message. If a step after the thread's creation fails, the thread is deleted again, so a failed
   * open leaves nothing half made.
   */
  async openThread(input: OpenThreadInput): Promise<OpenedThread> {
    const { guildId } = input;
    const name = ticketChannelName(input.ticketCategory.channelName);
    await this.#makeRoomForThreads(guildId, 1);
    const body: ThreadBody = {
      name: ticketThreadName(input.number, input.title),
      type: ChannelType.PrivateThread,
      invitable: false,
      auto_archive_duration: AUTO_ARCHIVE_MINUTES,
    };
    const { channelId, result: thread } = await this.#withChannel(guildId, name, (channelId) =>
      this.#call(() => this.#api.channels.createThread(channelId, body), { channel: `<#${channelId}>`, permission: 'Create Private Threads' }),
    );
    try {
      const where = { channel: `<#${thread.id}>` };
      await this.#call(() => this.#api.threads.addMember(thread.id, input.creatorId), { ...where, permission: 'Manage Threads' });
      await this.#bringInStaff(thread.id, input.staffRoleIds);
      const message = await this.#call(
        () => this.#api.channels.createMessage(thread.id, { embeds: [input.embed], components: input.components, allowed_mentions: { parse: [] } }),
        { ...where, permission: 'Send Messages in Threads' },
      );
      return { channelId, threadId: thread.id, messageId: message.id };
    } catch (error) {
      await this.#api.channels.delete(thread.id).catch(() => undefined);
      throw error;
    }
  }

  /** Archives the thread; locked (the default) means only staff can reopen it by writing in it. */
  async archiveThread(threadId: string, options: { lock?: boolean } = {}): Promise<void> {
    const lock = options.lock ?? true;
    await this.#call(() => this.#api.channels.edit(threadId, { archived: true, locked: lock }), { channel: `<#${threadId}>`, permission: 'Manage Threads' });
  }

  /** Unarchives and unlocks the thread, making room under the active-thread cap first. */
  async reopenThread(threadId: string): Promise<void> {
    const where = { channel: `<#${threadId}>`, permission: 'Manage Threads' };
    const thread = (await this.#call(() => this.#api.channels.get(threadId), where)) as APIThreadChannel;
    if (thread.thread_metadata?.archived && thread.guild_id) await this.#makeRoomForThreads(thread.guild_id, 1);
    await this.#call(() => this.#api.channels.edit(threadId, { archived: false, locked: false }), where);
  }

  /** Deletes the thread; one already gone counts as deleted. */
  async deleteThread(threadId: string): Promise<void> {
    try {
      await this.#call(() => this.#api.channels.delete(threadId), { channel: `<#${threadId}>`, permission: 'Manage Threads' });
    } catch (error) {
      if (!isUnknownChannel(error)) throw error;
    }
  }

  /** Posts a closed ticket's summary with its transcript as a text file in the archive log channel. */
  async postArchiveLog(guildId: string, summary: APIEmbed, transcript: Transcript): Promise<{ channelId: string; messageId: string }> {
    const file: RawFile = { name: transcript.fileName, data: Buffer.from(transcript.text, 'utf8'), contentType: 'text/plain; charset=utf-8' };
    const { channelId, result } = await this.#withChannel(guildId, ARCHIVE_KEY, (channelId) =>
      this.#call(() => this.#api.channels.createMessage(channelId, { embeds: [summary], files: [file], allowed_mentions: { parse: [] } }), {
        channel: `<#${channelId}>`,
        permission: 'Attach Files',
      }),
    );
    return { channelId, messageId: result.id };
  }

  /**
   * Staff come in without one API call per member: a message in the private thread mentions their roles, and
   * Discord adds every member of a mentioned role who can see the parent channel to the thread. The mention
   * must be allowed (`allowed_mentions.roles`), and Discord honours it only when the role is mentionable or
   * the bot has the Mention Everyone permission. Long role lists are split over several messages.
   */
  async #bringInStaff(threadId: string, roleIds: readonly string[]): Promise<void> {
    let batch: string[] = [];
    const send = async (): Promise<void> => {
      if (batch.length === 0) return;
      const roles = batch;
      batch = [];
      const content = roles.map((id) => `<@&${id}>`).join(' ');
      await this.#call(() => this.#api.channels.createMessage(threadId, { content, allowed_mentions: { parse: [], roles } }), {
        channel: `<#${threadId}>`,
        permission: 'Send Messages in Threads',
      });
    };
    for (const roleId of new Set(roleIds)) {
      const length = batch.reduce((sum, id) => sum + id.length + 5, 0) + roleId.length + 4;
      if (length > MESSAGE_CONTENT_MAX) await send();
      batch.push(roleId);
    }
    await send();
  }

  /** Archives closed and idle ticket threads when the guild has no room for `needed` more; refuses when it cannot. */
  async #makeRoomForThreads(guildId: string, needed: number): Promise<void> {
    const active = (await this.#call(() => this.#api.guilds.getActiveThreads(guildId), {})).threads as APIThreadChannel[];
    const first = planThreadBudget({ activeCount: active.length, needed, candidates: [] });
    if (first.ok) return;
    const candidates = await this.#archiveCandidates(guildId, active);
    const plan = planThreadBudget({ activeCount: active.length, needed, candidates });
    if (!plan.ok) throw new TicketLimitRefusal('active-thread-limit', plan.message);
    const closed = new Set(candidates.filter((c) => c.reason === 'closed').map((c) => c.threadId));
    // Closed tickets' threads are locked as well; idle ones only archived, so that a reply reopens them.
    for (const threadId of plan.archive) await this.archiveThread(threadId, { lock: closed.has(threadId) });
  }

  async #archiveCandidates(guildId: string, active: readonly APIThreadChannel[]): Promise<ThreadCandidate[]> {
    const closed = new Set(await this.#closedTicketThreads(guildId));
    const idleBefore = this.#now() - this.#idleAfterMs;
    const candidates: ThreadCandidate[] = [];
    for (const thread of active) {
      const lastActivityAt = lastActivity(thread);
      if (closed.has(thread.id)) candidates.push({ threadId: thread.id, reason: 'closed', lastActivityAt });
      else if (thread.parent_id && this.#ticketChannels.has(thread.parent_id) && lastActivityAt <= idleBefore) {
        candidates.push({ threadId: thread.id, reason: 'idle', lastActivityAt });
      }
    }
    return candidates;
  }

  /**
   * Runs `use` with the channel stored under `key` (a ticket channel name or the archive key), placing the channel
   * first when it is not known. When Discord says the remembered channel no longer exists, the layout is planned
   * again and `use` runs once more with the recreated channel.
   */
  async #withChannel<T>(guildId: string, key: string, use: (channelId: string) => Promise<T>): Promise<{ channelId: string; result: T }> {
    const remembered = this.#channelIds.get(`${guildId}/${key}`);
    const channelId = remembered ?? (await this.#placeOne(guildId, key));
    try {
      return { channelId, result: await use(channelId) };
    } catch (error) {
      if (!isUnknownChannel(error)) throw error;
      this.#forget(guildId, key, channelId);
      const recreated = await this.#placeOne(guildId, key);
      return { channelId: recreated, result: await use(recreated) };
    }
  }

  #forget(guildId: string, key: string, channelId: string): void {
    if (this.#channelIds.get(`${guildId}/${key}`) === channelId) this.#channelIds.delete(`${guildId}/${key}`);
    this.#ticketChannels.delete(channelId);
  }

  /** Plans and places one channel from a fresh channel list, one layout change at a time per guild. */
  #placeOne(guildId: string, key: string): Promise<string> {
    return this.#layoutQueue.run(guildId, async () => {
      const channels = await this.#guildChannels(guildId);
      return this.#place(guildId, channels, key, key === ARCHIVE_KEY ? planArchiveLog(channels) : planTicketChannel(channels, key));
    });
  }

  /** Carries out `plan`, adding what it creates to `channels` so that the next plan sees it. */
  async #place(guildId: string, channels: LayoutChannel[], key: string, plan: PlacementPlan): Promise<string> {
    if (!plan.ok) throw new TicketLimitRefusal(plan.reason, plan.message);
    const step = plan.placement;
    let channelId: string;
    if (step.kind === 'reuse') {
      channelId = step.channelId;
    } else {
      const categoryId = step.kind === 'create-channel' ? step.categoryId : await this.#createChannel(guildId, channels, step.categoryName, null);
      channelId = await this.#createChannel(guildId, channels, step.channelName, categoryId);
    }
    this.#channelIds.set(`${guildId}/${key}`, channelId);
    if (key !== ARCHIVE_KEY) this.#ticketChannels.add(channelId);
    return channelId;
  }

  async #createChannel(guildId: string, channels: LayoutChannel[], name: string, parentId: string | null): Promise<string> {
    const type = parentId === null ? ChannelType.GuildCategory : ChannelType.GuildText;
    const created = await this.#call(() => this.#api.guilds.createChannel(guildId, { name, type, ...(parentId ? { parent_id: parentId } : {}) }), {
      permission: 'Manage Channels',
    });
    channels.push(layoutChannel(created));
    return created.id;
  }

  async #guildChannels(guildId: string): Promise<LayoutChannel[]> {
    const channels = await this.#call(() => this.#api.guilds.getChannels(guildId), { permission: 'View Channels' });
    return channels.map(layoutChannel);
  }

  /** Runs a Discord call, turning Discord's refusal into a sentence; the active-thread cap becomes a limit refusal. */
  async #call<T>(request: () => Promise<T>, context: { channel?: string; permission?: string }): Promise<T> {
    try {
      return await request();
    } catch (error) {
      const failure = asTicketFailure(error, context);
      if (discordCode(error) === RESTJSONErrorCodes.MaximumActiveThreads) throw new TicketLimitRefusal('active-thread-limit', (failure as Error).message);
      if (discordCode(error) === RESTJSONErrorCodes.MaximumNumberOfGuildChannelsReached) {
        throw new TicketLimitRefusal('guild-channel-limit', (failure as Error).message);
      }
      throw failure;
    }
  }
}

function isUnknownChannel(error: unknown): boolean {
  return error instanceof TicketDiscordFailure && error.code === RESTJSONErrorCodes.UnknownChannel;
}

/** When somebody last wrote in the thread: its last message, else its creation. */
function lastActivity(thread: APIThreadChannel): number {
  const fromMessage = thread.last_message_id ? snowflakeTimestamp(thread.last_message_id) : null;
  if (fromMessage !== null) return fromMessage;
  const created = thread.thread_metadata?.create_timestamp ? Date.parse(thread.thread_metadata.create_timestamp) : NaN;
  return Number.isNaN(created) ? (snowflakeTimestamp(thread.id) ?? 0) : created;
}
