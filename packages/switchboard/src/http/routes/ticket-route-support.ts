/** What the ticket routes and the ticket settings routes share: ids, refusals as HTTP answers, small schemas. */
import { z } from 'zod';
import type { CategoryRefusal } from '../../modules/tickets/ticket-category-service.ts';
import type { TicketRefusal, TicketRefusalCode } from '../../modules/tickets/ticket-results.ts';
import { ApiError } from '../envelope.ts';

export const snowflake = z.string().regex(/^\d{17,20}$/, 'must be a Discord id (17–20 digits)');
export const guildParams = z.object({ guildId: snowflake });
export const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
export const text = (max: number) => z.string().trim().min(1).max(max);

const REFUSAL_STATUS: Record<TicketRefusalCode | CategoryRefusal['code'], number> = {
  not_found: 404,
  conflict: 409,
  limit_reached: 409,
  name_taken: 409,
  in_use: 409,
  not_allowed: 422,
  invalid: 422,
  unknown_category: 422,
  blocked: 422,
  cooldown: 422,
};

export function refused(refusal: TicketRefusal | CategoryRefusal): never {
  const details = 'details' in refusal ? refusal.details : undefined;
  throw new ApiError(REFUSAL_STATUS[refusal.code], refusal.code, refusal.reason, details);
}

