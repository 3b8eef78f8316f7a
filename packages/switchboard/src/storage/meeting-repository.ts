/**
 * Meetings as stored: insert a started one, read and list a guild's meetings, remember the announcement
 * message, and end one. Ending is claimed by the update that moves the row from active to ended, so two
 * members ending the same meeting at once end it once.
 */
import type { Kysely } from 'kysely';
import type { MeetingsTable, MeetingStatus, MeetingType, Tables } from './schema.ts';

export type MeetingRecord = {
  id: string;
  guildId: string;
  channelId: string;
  title: string;
  type: MeetingType;
  hostUserId: string;
  kalturaResourceId: number;
  kalturaEventId: number;
  startsAt: number;
  endsAt: number;
  status: MeetingStatus;
  announcementMessageId: string | null;
  createdAt: number;
  endedAt: number | null;
  endedBy: string | null;
};

function toMeeting(row: MeetingsTable): MeetingRecord {
  return {
    id: row.id,
    guildId: row.guild_id,
    channelId: row.channel_id,
    title: row.title,
    type: row.type,
    hostUserId: row.host_user_id,
    kalturaResourceId: Number(row.kaltura_resource_id),
    kalturaEventId: Number(row.kaltura_event_id),
    startsAt: Number(row.starts_at),
    endsAt: Number(row.ends_at),
    status: row.status,
    announcementMessageId: row.announcement_message_id,
    createdAt: Number(row.created_at),
    endedAt: row.ended_at === null ? null : Number(row.ended_at),
    endedBy: row.ended_by,
  };
}

export class MeetingRepository {
  readonly #db: Kysely<Tables>;

  constructor(db: Kysely<Tables>) {
    this.#db = db;
  }

  async insert(meeting: Omit<MeetingRecord, 'status' | 'announcementMessageId' | 'endedAt' | 'endedBy'>): Promise<MeetingRecord> {
    const row: MeetingsTable = {
      id: meeting.id,
      guild_id: meeting.guildId,
      channel_id: meeting.channelId,
      title: meeting.title,
      type: meeting.type,
      host_user_id: meeting.hostUserId,
      kaltura_resource_id: meeting.kalturaResourceId,
      kaltura_event_id: meeting.kalturaEventId,
      starts_at: meeting.startsAt,
      ends_at: meeting.endsAt,
      status: 'active',
      announcement_message_id: null,
      created_at: meeting.createdAt,
      ended_at: null,
      ended_by: null,
    };
    await this.#db.insertInto('meetings').values(row).execute();
    return toMeeting(row);
  }

  async get(guildId: string, id: string): Promise<MeetingRecord | undefined> {
    const row = await this.#db.selectFrom('meetings').selectAll().where('guild_id', '=', guildId).where('id', '=', id).executeTakeFirst();
    return row ? toMeeting(row) : undefined;
  }

  /** Active meetings oldest first (the order they were started in); ended ones latest ended first. */
  async list(guildId: string, status: MeetingStatus, limit: number): Promise<MeetingRecord[]> {
    let query = this.#db.selectFrom('meetings').selectAll().where('guild_id', '=', guildId).where('status', '=', status);
    query = status === 'active' ? query.orderBy('starts_at', 'asc') : query.orderBy('ended_at', 'desc');
    const rows = await query.orderBy('id', 'asc').limit(limit).execute();
    return rows.map(toMeeting);
  }

  async attachAnnouncement(guildId: string, id: string, messageId: string): Promise<void> {
    await this.#db.updateTable('meetings').set({ announcement_message_id: messageId }).where('guild_id', '=', guildId).where('id', '=', id).execute();
  }

  /** Ends an active meeting; undefined when it was not active any more (someone else ended it first). */
  async markEnded(guildId: string, id: string, by: string, now: number): Promise<MeetingRecord | undefined> {
    const row = await this.#db
      .updateTable('meetings')
      .set({ status: 'ended', ended_at: now, ended_by: by })
      .where('guild_id', '=', guildId)
      .where('id', '=', id)
      .where('status', '=', 'active')
      .returningAll()
      .executeTakeFirst();
    return row ? toMeeting(row) : undefined;
  }
}
