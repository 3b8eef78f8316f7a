/**
 * Who a ticket reply, assignment or new session is recorded as: the signed-in Discord user, or — for an
 * API-token session, which has no Discord identity — the Discord id the operator enters once (kept in the
 * browser). Pure parts here; the field is components/actor-field.tsx.
 */
import type { Me } from '../api/api-types.ts';

export type Actor = { id: string; name: string };

export const ACTOR_STORAGE_KEY = 'switchboard.actingAs';
export const SNOWFLAKE = /^\d{17,20}$/;

export function actorOf(me: Me | null, enteredId: string | null): Actor | null {
  if (me?.user) return { id: me.user.id, name: me.user.name };
  if (enteredId && SNOWFLAKE.test(enteredId)) return { id: enteredId, name: 'Staff (dashboard)' };
  return null;
}
