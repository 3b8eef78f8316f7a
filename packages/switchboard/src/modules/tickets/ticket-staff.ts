/**
 * Who counts as staff for a ticket: a member holding one of the category's staff roles or one of the guild's
 * ticket staff roles (its configuration, `roleMappings.ticketStaff`), or one the Discord side says may manage
 * the guild (Administrator / Manage Guild). A ticket without a category, or a category
 * without staff roles, is handled by the guild managers alone. API callers with the admin role are staff.
 */
import type { TicketCategoryRecord } from '../../storage/ticket-category-repository.ts';

export function isTicketStaff(
  memberRoleIds: readonly string[],
  category: Pick<TicketCategoryRecord, 'staffRoleIds'> | null,
  managesGuild: boolean,
  guildStaffRoleIds: readonly string[] = [],
): boolean {
  if (managesGuild) return true;
  if (guildStaffRoleIds.some((roleId) => memberRoleIds.includes(roleId))) return true;
  if (!category) return false;
  return category.staffRoleIds.some((roleId) => memberRoleIds.includes(roleId));
}
