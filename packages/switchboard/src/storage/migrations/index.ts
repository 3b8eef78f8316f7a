/** Every migration, in order. A new one is appended here; an applied one is never edited. */
import type { Migration } from '../migration.ts';
import { foundation } from './0001-foundation.ts';
import { commandRegistrations } from './0002-command-registrations.ts';
import { apps } from './0003-apps.ts';
import { webhookOutbox } from './0004-webhook-outbox.ts';
import { assistantConversations } from './0005-assistant-conversations.ts';
import { tickets } from './0006-tickets.ts';
import { attendance } from './0007-attendance.ts';
import { attendanceLabels } from './0008-attendance-labels.ts';
import { oauthSessions } from './0009-oauth-sessions.ts';
import { linkedConnections } from './0010-linked-connections.ts';
import { linkInvitations } from './0011-link-invitations.ts';
import { streamSubscriptions } from './0012-stream-subscriptions.ts';
import { guildConfig } from './0013-guild-config.ts';
import { meetings } from './0014-meetings.ts';
import { dashboardSessions } from './0015-dashboard-sessions.ts';
import { webhookClaimIndex } from './0016-webhook-claim-index.ts';

export const migrations: readonly Migration[] = [foundation, commandRegistrations, apps, webhookOutbox, assistantConversations, tickets, attendance, attendanceLabels, oauthSessions, linkedConnections, linkInvitations, streamSubscriptions, guildConfig, meetings, dashboardSessions, webhookClaimIndex];
