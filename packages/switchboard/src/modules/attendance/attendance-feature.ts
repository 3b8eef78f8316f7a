/**
 * Puts attendance together: the service on the hub's database, the Discord module, what the API's
 * changes do in Discord, and the reminder and recurrence jobs.
 */
import { createHmac } from 'node:crypto';
import type { API } from '@discordjs/core';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { AttendanceApiChange } from '../../http/routes/attendance-routes.ts';
import type { Job } from '../../jobs/job.ts';
import type { EncryptionKey } from '../../security/secret-box.ts';
import type { Tables } from '../../storage/schema.ts';
import { createAttendanceModule, type AttendanceModule } from './attendance-module.ts';
import type { AnswerLabels } from './discord/session-message.ts';
import { attendanceRecurrenceJob } from './attendance-recurrence-job.ts';
import { attendanceReminderJob } from './attendance-reminder-job.ts';
import type { AttendanceService } from './attendance-service.ts';
import { createAttendance } from './create-attendance.ts';
import { connectedApi } from '../../discord/connected-api.ts';

export type AttendanceFeature = {
  module: AttendanceModule;
  service: AttendanceService;
  /** The key of the calendar feeds' secret URLs: derived from the active encryption key, so it is never configured twice. */
  calendarKey: Buffer;
  onChange(change: AttendanceApiChange): Promise<void>;
  jobs: Job[];
};

export function createAttendanceFeature(options: {
  db: Kysely<Tables>;
  api: () => API | undefined;
  logger: Logger;
  encryptionKey: EncryptionKey;
  mirrorScheduledEvents: boolean;
  reminderCheckMs: number;
  /** The guild's own button labels (from its configuration). */
  labels: (guildId: string) => Promise<Partial<AnswerLabels>>;
  /** Passes answers to a session an app created on to that app. */
  notifyApp: (appId: string, guildId: string, data: unknown) => Promise<void>;
}): AttendanceFeature {
  const service = createAttendance(options.db);
  const module = createAttendanceModule({
    service,
    api: connectedApi(options.api),
    logger: options.logger,
    mirrorScheduledEvents: options.mirrorScheduledEvents,
    labels: options.labels,
    onAnswered: async (session, answer) => {
      if (session.appId) await options.notifyApp(session.appId, session.guildId, { sessionId: session.id, ...answer });
    },
  });

  async function onChange(change: AttendanceApiChange): Promise<void> {
    if (!options.api()) return;
    try {
      const { session } = change.result;
      switch (change.kind) {
        case 'created':
          return await module.publish(session);
        case 'edited':
          return module.refresh(session);
        case 'cancelled':
          module.refresh(session);
          for (const userId of change.result.notifyUserIds) {
            await module.tell(userId, session.channelId, `**${session.title}** <t:${Math.floor(session.startsAt / 1000)}:F> is cancelled.`);
          }
          return;
        case 'responded':
          module.refresh(session);
          for (const promoted of change.result.promoted) {
            await module.tell(promoted.userId, session.channelId, `A place opened up: you're in for **${session.title}** <t:${Math.floor(session.startsAt / 1000)}:R>.`);
          }
          return;
      }
    } catch (error) {
      options.logger.warn({ err: error, change: change.kind }, 'could not show an attendance change in Discord');
    }
  }

  return {
    module,
    service,
    calendarKey: createHmac('sha256', options.encryptionKey.key).update('switchboard calendar feeds').digest(),
    onChange,
    jobs: [
      attendanceReminderJob(service, { intervalMs: options.reminderCheckMs, send: (due) => module.remind(due) }),
      attendanceRecurrenceJob(service, { onCreated: (next) => module.publish(next) }),
    ],
  };
}
