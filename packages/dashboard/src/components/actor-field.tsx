/**
 * For an API-token session (no Discord identity): the Discord id that replies, assignments and new
 * sessions are recorded under, remembered in the browser. A Discord sign-in needs nothing of this.
 */
import { useState, type ReactNode } from 'react';
import { actorOf, ACTOR_STORAGE_KEY, SNOWFLAKE, type Actor } from '../session/actor.ts';
import { useSession } from '../session/session-context.tsx';
import { Field } from './field.tsx';

function stored(): string {
  try {
    return window.localStorage.getItem(ACTOR_STORAGE_KEY) ?? '';
  } catch {
    return '';
  }
}

/** The actor and, when one must be entered, the field to enter it. */
export function useActor(): { actor: Actor | null; field: ReactNode } {
  const { me } = useSession();
  const [entered, setEntered] = useState(stored);
  const actor = actorOf(me, entered);
  if (me?.user) return { actor, field: null };
  const error = entered !== '' && !SNOWFLAKE.test(entered) ? 'must be a Discord id (17–20 digits)' : null;
  const field = (
    <Field
      kind="text"
      label="Acting as (your Discord user id)"
      value={entered}
      error={error}
      hint="This session signed in with an API token, which has no Discord identity: replies and changes are recorded under this id."
      onChange={(value) => {
        const trimmed = value.trim();
        setEntered(trimmed);
        try {
          window.localStorage.setItem(ACTOR_STORAGE_KEY, trimmed);
        } catch {
          // Kept for this visit only.
        }
      }}
    />
  );
  return { actor, field };
}
