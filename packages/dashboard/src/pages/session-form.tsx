/**
 * The form for a new session and for changing one: title, description, start (on the clock of the chosen
 * time zone), duration, capacity and channel. Checks each field before sending and shows the hub's
 * validation problems next to the field they name.
 */
import { useState, type FormEvent } from 'react';
import { problemsByPath } from '../api/api-client.ts';
import type { AttendanceSession } from '../api/api-types.ts';
import { useActor } from '../components/actor-field.tsx';
import { Button } from '../components/button.tsx';
import { Field } from '../components/field.tsx';
import { ErrorNotice } from '../components/notice.tsx';
import { browserTimeZone, isoToZonedLocal, isTimeZone, zonedLocalToIso } from '../format/zoned-time.ts';
import { useAction, useApi } from '../hooks/use-api.ts';

type Values = { title: string; description: string; start: string; timezone: string; duration: string; capacity: string; channelId: string };
type Errors = Partial<Record<keyof Values, string>>;

const SNOWFLAKE = /^\d{17,20}$/;

function initialValues(session: AttendanceSession | null): Values {
  if (!session) return { title: '', description: '', start: '', timezone: browserTimeZone(), duration: '60', capacity: '', channelId: '' };
  return {
    title: session.title,
    description: session.description,
    start: isoToZonedLocal(session.startsAt, session.timezone),
    timezone: session.timezone,
    duration: String(Math.round((Date.parse(session.endsAt) - Date.parse(session.startsAt)) / 60_000)),
    capacity: session.capacity === null ? '' : String(session.capacity),
    channelId: session.channelId,
  };
}

/** The request body fields from the form, or the problems with it. */
function check(values: Values): { ok: true; body: Record<string, unknown> } | { ok: false; errors: Errors } {
  const errors: Errors = {};
  const title = values.title.trim();
  if (title.length === 0) errors.title = 'must not be empty';
  else if (title.length > 200) errors.title = 'must be at most 200 characters';
  if (values.description.length > 4000) errors.description = 'must be at most 4000 characters';
  if (!isTimeZone(values.timezone)) errors.timezone = 'must be an IANA time zone such as Europe/Berlin or UTC';
  const startsAt = zonedLocalToIso(values.start, values.timezone);
  if (!values.start) errors.start = 'must be given';
  else if (!startsAt && !errors.timezone) errors.start = 'must be a date and time';
  const duration = Number(values.duration);
  if (!Number.isInteger(duration) || duration < 1 || duration > 10_080) errors.duration = 'must be a whole number of minutes from 1 to 10080';
  const capacity = values.capacity.trim() === '' ? null : Number(values.capacity);
  if (capacity !== null && (!Number.isInteger(capacity) || capacity < 1 || capacity > 10_000)) errors.capacity = 'must be empty (no limit) or a whole number from 1 to 10000';
  if (!SNOWFLAKE.test(values.channelId.trim())) errors.channelId = 'must be a Discord channel id (17–20 digits)';
  if (Object.keys(errors).length > 0 || !startsAt) return { ok: false, errors };
  const endsAt = new Date(Date.parse(startsAt) + duration * 60_000).toISOString();
  return { ok: true, body: { title, description: values.description, startsAt, endsAt, timezone: values.timezone, capacity, channelId: values.channelId.trim() } };
}

/** Where the hub's problem paths land in this form. */
const FIELD_OF_PATH: Record<string, keyof Values> = { title: 'title', description: 'description', startsAt: 'start', endsAt: 'duration', timezone: 'timezone', capacity: 'capacity', channelId: 'channelId' };

export function SessionForm({ guildId, session, onSaved, onCancel }: { guildId: string; session: AttendanceSession | null; onSaved: (message: string) => void; onCancel: () => void }) {
  const api = useApi();
  const action = useAction();
  const { actor, field: actorField } = useActor();
  const [values, setValues] = useState(() => initialValues(session));
  const [errors, setErrors] = useState<Errors>({});
  const set = (key: keyof Values) => (value: string) => setValues((before) => ({ ...before, [key]: value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = check(values);
    if (!checked.ok) return setErrors(checked.errors);
    setErrors({});
    const base = `/api/v1/guilds/${guildId}/sessions`;
    let saved: unknown;
    if (session) {
      const before = initialValues(session);
      const original = check(before);
      // Only what changed: an unchanged capacity must not reshuffle the waitlist.
      const changed = Object.fromEntries(Object.entries(checked.body).filter(([key, value]) => !original.ok || JSON.stringify(original.body[key]) !== JSON.stringify(value)));
      if (Object.keys(changed).length === 0) return onSaved('Nothing changed.');
      saved = await action.run(() => api.send('PATCH', `${base}/${session.id}`, changed));
    } else {
      if (!actor) return setErrors({ title: 'enter the Discord id you act as (above) first' });
      saved = await action.run(() => api.send('POST', base, { ...checked.body, createdBy: actor.id }));
    }
    if (saved !== undefined) onSaved(session ? 'Session saved.' : 'Session planned; it is announced in its channel.');
  };

  const serverProblems = problemsByPath(action.error);
  const errorOf = (key: keyof Values) => errors[key] ?? [...serverProblems].find(([path]) => FIELD_OF_PATH[path.split('.')[0] ?? ''] === key)?.[1];

  return (
    <form className="card form-grid" aria-label={session ? `Edit session ${session.title}` : 'New session'} onSubmit={(event) => void submit(event)} noValidate>
      <h2 className="span-all">{session ? `Edit “${session.title}”` : 'New session'}</h2>
      {session ? null : <div className="span-all">{actorField}</div>}
      <Field kind="text" label="Title" value={values.title} onChange={set('title')} error={errorOf('title')} maxLength={200} required />
      <Field kind="text" label="Channel id" value={values.channelId} onChange={set('channelId')} error={errorOf('channelId')} hint="The channel the session is announced in." required />
      <Field kind="datetime-local" label="Starts" value={values.start} onChange={set('start')} error={errorOf('start')} required hint="On the clock of the time zone below." />
      <Field kind="text" label="Time zone" value={values.timezone} onChange={set('timezone')} error={errorOf('timezone')} required />
      <Field kind="number" label="Duration (minutes)" value={values.duration} onChange={set('duration')} error={errorOf('duration')} min={1} max={10080} required />
      <Field kind="number" label="Capacity" value={values.capacity} onChange={set('capacity')} error={errorOf('capacity')} min={1} max={10000} hint="Empty for no limit; beyond it, members join the waitlist." />
      <Field kind="textarea" label="Description" className="span-all" value={values.description} onChange={set('description')} error={errorOf('description')} rows={3} maxLength={4000} />
      <div className="span-all">
        <ErrorNotice error={action.error} onDismiss={action.clear} />
      </div>
      <div className="button-row span-all">
        <Button type="submit" variant="primary" busy={action.pending}>
          {session ? 'Save session' : 'Plan session'}
        </Button>
        <Button onClick={onCancel}>Cancel</Button>
      </div>
    </form>
  );
}
