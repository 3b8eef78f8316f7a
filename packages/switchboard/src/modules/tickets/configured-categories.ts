/**
 * Ticket categories a guild keeps in its configuration (`tickets.categories`): each is made to exist with
 * the settings given, matched by name (case-insensitively); a setting left out keeps the category's value.
 * Categories made with /ticket category or the API, and configured ones removed from the configuration,
 * stay: they may hold tickets, and deleting is a decision for a person.
 */
import type { ConfiguredTicketCategory } from '../../config/guild-config/guild-config-schema.ts';
import type { TicketCategoryChanges } from '../../storage/ticket-category-repository.ts';
import type { TicketCategoryService } from './ticket-category-service.ts';

export type CategorySyncReport = { created: string[]; updated: string[]; problems: string[] };

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

export async function syncConfiguredCategories(categories: TicketCategoryService, guildId: string, declared: readonly ConfiguredTicketCategory[]): Promise<CategorySyncReport> {
  const report: CategorySyncReport = { created: [], updated: [], problems: [] };
  if (declared.length === 0) return report;
  const existing = await categories.list(guildId);
  for (const wanted of declared) {
    const current = existing.find((c) => c.name.toLowerCase() === wanted.name.toLowerCase());
    if (!current) {
      const made = await categories.create(guildId, {
        name: wanted.name,
        emoji: wanted.emoji ?? null,
        description: wanted.description ?? null,
        staffRoleIds: wanted.staffRoleIds ?? [],
        pingRoleIds: wanted.pingRoleIds ?? [],
        channelName: wanted.channelName ?? null,
      });
      if (made.ok) report.created.push(wanted.name);
      else report.problems.push(`${wanted.name}: ${made.reason}`);
      continue;
    }
    const changes: TicketCategoryChanges = {};
    if (wanted.name !== current.name) changes.name = wanted.name;
    if (wanted.emoji !== undefined && wanted.emoji !== current.emoji) changes.emoji = wanted.emoji;
    if (wanted.description !== undefined && wanted.description !== current.description) changes.description = wanted.description;
    if (wanted.staffRoleIds !== undefined && !sameList(wanted.staffRoleIds, current.staffRoleIds)) changes.staffRoleIds = wanted.staffRoleIds;
    if (wanted.pingRoleIds !== undefined && !sameList(wanted.pingRoleIds, current.pingRoleIds)) changes.pingRoleIds = wanted.pingRoleIds;
    if (wanted.channelName !== undefined && wanted.channelName !== current.channelName) changes.channelName = wanted.channelName;
    if (Object.keys(changes).length === 0) continue;
    const updated = await categories.update(guildId, current.id, changes);
    if (updated.ok) report.updated.push(wanted.name);
    else report.problems.push(`${wanted.name}: ${updated.reason}`);
  }
  return report;
}
