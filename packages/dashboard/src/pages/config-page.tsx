/**
 * Configuration of the chosen server: a form generated from the guild configuration's JSON Schema, saved
 * as a JSON Merge Patch of what changed, with each problem of a refused change (422) shown next to its
 * setting; then the audit log of every change.
 */
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { problemsByPath } from '../api/api-client.ts';
import type { AuditEntry, ConfigView } from '../api/api-types.ts';
import { Button } from '../components/button.tsx';
import { ErrorNotice, Notice } from '../components/notice.tsx';
import { NoGuild, PageHeader } from '../components/page.tsx';
import { Table } from '../components/table.tsx';
import { ConfigFields } from '../config-form/config-fields.tsx';
import { fieldsOf, mergePatchOf, placeProblems, schemaOf, valuesOf, type FieldValue } from '../config-form/schema-fields.ts';
import { formatTime } from '../format/display.ts';
import { useAction, useApi, useApiResource } from '../hooks/use-api.ts';
import { useGuild } from '../session/guild-context.tsx';
import { canChange, useSession } from '../session/session-context.tsx';

export function ConfigPage() {
  const { guildId } = useGuild();
  const { me } = useSession();
  const api = useApi();
  const action = useAction();
  const base = guildId ? `/api/v1/guilds/${guildId}` : null;
  const schemaAnswer = useApiResource<unknown>('/api/v1/guild-config/schema');
  const view = useApiResource<ConfigView>(base ? `${base}/config` : null);
  const audit = useApiResource<AuditEntry[]>(base ? `${base}/audit?limit=50` : null);
  const [values, setValues] = useState<Record<string, FieldValue>>({});
  const [localErrors, setLocalErrors] = useState<Map<string, string>>(new Map());
  const [notice, setNotice] = useState<string | null>(null);
  const [current, setCurrent] = useState<Record<string, unknown> | null>(null);

  const schema = schemaOf(schemaAnswer.data);
  const specs = useMemo(() => (schema ? fieldsOf(schema) : []), [schema]);

  // A newly loaded configuration (another server, or after saving) replaces what the form shows.
  useEffect(() => {
    if (view.data && specs.length > 0) {
      setCurrent(view.data.config);
      setValues(valuesOf(specs, view.data.config));
      setLocalErrors(new Map());
    }
  }, [view.data, specs]);

  if (!guildId || !base) {
    return (
      <>
        <PageHeader title="Configuration" />
        <NoGuild />
      </>
    );
  }

  const placed = placeProblems(specs, problemsByPath(action.error));
  const errors = new Map([...placed.byField, ...localErrors]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setNotice(null);
    action.clear();
    const { patch, changed, errors: found } = mergePatchOf(specs, current, values);
    setLocalErrors(found);
    if (found.size > 0) return;
    if (changed === 0) return setNotice('Nothing changed.');
    const saved = await action.run(() => api.send<ConfigView>('PATCH', `${base}/config`, patch, 'application/merge-patch+json'));
    if (saved) {
      setCurrent(saved.config);
      setValues(valuesOf(specs, saved.config));
      setNotice(`Saved ${changed} setting${changed === 1 ? '' : 's'}.`);
      audit.refresh();
    }
  };

  const loading = schemaAnswer.loading || view.loading;

  return (
    <>
      <PageHeader title="Configuration" />
      <ErrorNotice error={schemaAnswer.error} />
      <ErrorNotice error={view.error} />
      {view.data && view.data.fileProblems.length > 0 ? (
        <Notice tone="error" title="The override file has problems">
          <ul>
            {view.data.fileProblems.map((p) => (
              <li key={`${p.file}:${p.path}`}>
                {p.file}: {p.path} {p.problem}
              </li>
            ))}
          </ul>
        </Notice>
      ) : null}
      {specs.length > 0 && current ? (
        <form className="config-form" aria-label="Server configuration" onSubmit={(event) => void submit(event)} noValidate>
          <ConfigFields
            specs={specs}
            values={values}
            errors={errors}
            disabled={!canChange(me)}
            onChange={(path, value) => {
              setValues((before) => ({ ...before, [path]: value }));
              setNotice(null);
            }}
          />
          <div aria-live="polite">
            {notice ? (
              <Notice tone="success" onDismiss={() => setNotice(null)}>
                {notice}
              </Notice>
            ) : null}
            {action.error ? (
              <Notice tone="error" title="Not saved">
                {action.error.message}
                {placed.unplaced.length > 0 ? (
                  <ul>
                    {placed.unplaced.map((p) => (
                      <li key={p.path}>
                        {p.path || '(whole configuration)'}: {p.message}
                      </li>
                    ))}
                  </ul>
                ) : null}
              </Notice>
            ) : null}
          </div>
          {canChange(me) ? (
            <div className="button-row sticky-actions">
              <Button type="submit" variant="primary" busy={action.pending}>
                Save changes
              </Button>
              <Button
                onClick={() => {
                  setValues(valuesOf(specs, current));
                  setLocalErrors(new Map());
                  action.clear();
                }}
              >
                Discard changes
              </Button>
            </div>
          ) : null}
        </form>
      ) : loading ? (
        <p className="muted">Loading…</p>
      ) : null}

      <h2>Audit log</h2>
      <ErrorNotice error={audit.error} />
      <Table
        caption="Configuration changes"
        rows={audit.data ?? []}
        rowKey={(e) => e.id}
        empty={audit.loading ? 'Loading…' : 'No changes yet.'}
        columns={[
          { key: 'at', header: 'When', render: (e) => formatTime(e.at), sortValue: (e) => e.at },
          { key: 'actor', header: 'Who', render: (e) => e.actor, sortValue: (e) => e.actor },
          { key: 'source', header: 'From', render: (e) => e.source, sortValue: (e) => e.source },
          { key: 'summary', header: 'Change', render: (e) => e.summary },
        ]}
      />
    </>
  );
}
