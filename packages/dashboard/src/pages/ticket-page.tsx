/**
 * One ticket, live: its conversation polled every second while the page is open (a message posted in the
 * Discord thread shows here within about a second), a reply box, and the staff actions — assign to me,
 * priority, status, close with a reason, reopen — plus the transcript as text and as an HTML download.
 */
import { useState, type FormEvent } from 'react';
import { apiText } from '../api/api-client.ts';
import { TICKET_PRIORITIES, type Ticket, type TicketMessage } from '../api/api-types.ts';
import { useActor } from '../components/actor-field.tsx';
import { Badge } from '../components/badge.tsx';
import { Button } from '../components/button.tsx';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { Field } from '../components/field.tsx';
import { ErrorNotice, Notice } from '../components/notice.tsx';
import { PageHeader } from '../components/page.tsx';
import { formatTime } from '../format/display.ts';
import { useAction, useApi, useApiResource } from '../hooks/use-api.ts';
import { useMemberNames } from '../hooks/use-member-names.ts';
import { Link } from '../routing/router.tsx';
import { canChange, useSession } from '../session/session-context.tsx';

const LIVE_INTERVAL_MS = 1000;

type Details = { ticket: Ticket; messages: TicketMessage[] };

/** A reply from the dashboard or the API is staff; in the thread, anyone but the member who opened it is. */
function isStaffMessage(message: TicketMessage, ticket: Ticket): boolean {
  return message.source === 'api' || message.authorId !== ticket.creatorId;
}

export function TicketPage({ guildId, number }: { guildId: string; number: number }) {
  const base = `/api/v1/guilds/${guildId}/tickets/${number}`;
  const details = useApiResource<Details>(base, LIVE_INTERVAL_MS);
  const api = useApi();
  const action = useAction();
  const { me } = useSession();
  const { actor, field: actorField } = useActor();
  const [reply, setReply] = useState('');
  const [replyError, setReplyError] = useState<string | null>(null);
  const [closing, setClosing] = useState(false);
  const [reason, setReason] = useState('');
  const [transcript, setTranscript] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const mayChange = canChange(me);

  const ticket = details.data?.ticket;
  const messages = details.data?.messages ?? [];
  const nameOf = useMemberNames(guildId, ticket ? [ticket.creatorId, ...(ticket.assigneeId ? [ticket.assigneeId] : [])] : []);

  const act = async (what: string, change: () => Promise<unknown>) => {
    setNotice(null);
    const result = await action.run(async () => {
      await change();
      return true;
    });
    if (result) setNotice(what);
    details.refresh();
    return result === true;
  };

  const sendReply = async (event: FormEvent) => {
    event.preventDefault();
    const content = reply.trim();
    if (content.length === 0) return setReplyError('must not be empty');
    if (content.length > 4000) return setReplyError('must be at most 4000 characters');
    const who = actor;
    if (!who) return setReplyError('enter the Discord id you act as, above, first');
    setReplyError(null);
    const sent = await act('Reply sent; it appears in the Discord thread too.', () => api.send('POST', `${base}/messages`, { authorId: who.id, authorName: who.name, content }));
    if (sent) setReply('');
  };

  const loadTranscript = async () => {
    const result = await action.run(() => apiText(`${base}/transcript?format=text`));
    if (result !== undefined) setTranscript(result);
  };

  if (!ticket) {
    return (
      <>
        <PageHeader title={`Ticket #${number}`} />
        <p>
          <Link to="/tickets">← All tickets</Link>
        </p>
        <ErrorNotice error={details.error} />
        {details.loading ? <p className="muted">Loading…</p> : null}
      </>
    );
  }

  const closed = ticket.status === 'closed';
  // The API gives people as ids; whoever wrote in the conversation also has a name there.
  const person = (id: string) => {
    const name = messages.find((m) => m.authorId === id)?.authorName ?? nameOf(id);
    return name !== id ? <span title={id}>{name}</span> : id;
  };

  return (
    <>
      <p>
        <Link to="/tickets">← All tickets</Link>
      </p>
      <PageHeader title={`Ticket #${ticket.number}: ${ticket.title}`}>
        {mayChange && !closed ? (
          <>
            <Button onClick={() => (actor ? void act('Assigned to you.', () => api.send('POST', `${base}/assign`, { assigneeId: actor.id })) : setNotice('Enter the Discord id you act as first.'))} disabled={ticket.assigneeId !== null && ticket.assigneeId === actor?.id}>
              Assign to me
            </Button>
            <Button variant="danger" onClick={() => setClosing(true)}>
              Close ticket
            </Button>
          </>
        ) : null}
        {mayChange && closed ? (
          <Button onClick={() => void act('Reopened.', () => api.send('POST', `${base}/reopen`, actor ? { reopenedBy: actor.id } : {}))}>Reopen</Button>
        ) : null}
      </PageHeader>

      <ErrorNotice error={details.error} />
      <ErrorNotice error={action.error} onDismiss={action.clear} />
      {notice ? (
        <Notice tone="info" onDismiss={() => setNotice(null)}>
          {notice}
        </Notice>
      ) : null}

      <div className="ticket-layout">
        <section aria-labelledby="conversation-heading" className="ticket-conversation">
          <h2 id="conversation-heading">Conversation</h2>
          <p className="ticket-description">{ticket.description}</p>
          <ol className="messages" data-testid="ticket-messages" aria-live="polite" aria-relevant="additions">
            {messages.length === 0 ? <li className="muted">No messages yet.</li> : null}
            {messages.map((message) => (
              <li key={message.id} className={isStaffMessage(message, ticket) ? 'message message-staff' : 'message'}>
                <div className="message-meta">
                  <strong>{message.authorName}</strong>
                  {isStaffMessage(message, ticket) ? <Badge value="staff" tone="info" label="Staff" /> : null}
                  <Badge value={message.source} tone="neutral" label={message.source === 'api' ? 'Dashboard / API' : 'Discord'} />
                  <time dateTime={message.createdAt}>{formatTime(message.createdAt)}</time>
                </div>
                <p className="message-content">{message.content}</p>
              </li>
            ))}
          </ol>

          {mayChange && !closed ? (
            <form onSubmit={(event) => void sendReply(event)} className="reply-form">
              {actorField}
              <Field kind="textarea" label="Reply" value={reply} onChange={setReply} error={replyError} rows={4} maxLength={4000} />
              <Button type="submit" variant="primary" busy={action.pending}>
                Send reply
              </Button>
            </form>
          ) : null}
        </section>

        <aside className="card ticket-side" aria-label="Ticket details">
          <dl className="details-list">
            <dt>Status</dt>
            <dd>
              <Badge value={ticket.status} />
            </dd>
            <dt>Priority</dt>
            <dd>
              <Badge value={ticket.priority} />
            </dd>
            <dt>Opened by</dt>
            <dd>{person(ticket.creatorId)}</dd>
            <dt>Assignee</dt>
            <dd>{ticket.assigneeId === null ? 'nobody' : person(ticket.assigneeId)}</dd>
            <dt>Opened</dt>
            <dd>{formatTime(ticket.createdAt)}</dd>
            <dt>Last activity</dt>
            <dd>{formatTime(ticket.lastActivityAt)}</dd>
            {ticket.closedAt ? (
              <>
                <dt>Closed</dt>
                <dd>
                  {formatTime(ticket.closedAt)}
                  {ticket.closeReason ? ` — ${ticket.closeReason}` : ''}
                </dd>
              </>
            ) : null}
          </dl>
          {mayChange && !closed ? (
            <>
              <Field
                kind="select"
                label="Priority"
                value={ticket.priority}
                disabled={action.pending}
                onChange={(priority) => void act(`Priority set to ${priority}.`, () => api.send('PATCH', base, { priority }))}
                options={TICKET_PRIORITIES.map((p) => ({ value: p, label: p }))}
              />
              <Field
                kind="select"
                label="Status"
                value={ticket.status}
                disabled={action.pending}
                hint="Assigned follows Assign to me; closed follows Close ticket."
                onChange={(status) => void act(`Status set to ${status}.`, () => api.send('PATCH', base, { status }))}
                options={[
                  { value: 'open', label: 'open' },
                  { value: 'assigned', label: 'assigned', disabled: true },
                  { value: 'pending', label: 'pending' },
                ]}
              />
            </>
          ) : null}
          {ticket.closedAt ? (
            <div className="transcript-actions">
              <h2 className="small-heading">Transcript</h2>
              <div className="button-row">
                <Button onClick={() => void loadTranscript()}>Show transcript</Button>
                <a className="button button-secondary" href={`${base}/transcript?format=html`} download={`ticket-${ticket.number}.html`}>
                  Download HTML
                </a>
              </div>
            </div>
          ) : null}
        </aside>
      </div>

      {transcript !== null ? (
        <section aria-labelledby="transcript-heading">
          <h2 id="transcript-heading">Transcript</h2>
          <pre className="transcript">{transcript}</pre>
        </section>
      ) : null}

      <ConfirmDialog
        open={closing}
        title={`Close ticket #${ticket.number}?`}
        confirmLabel="Yes, close the ticket"
        danger
        busy={action.pending}
        onCancel={() => setClosing(false)}
        onConfirm={() => {
          if (!actor) {
            setClosing(false);
            setNotice('Enter the Discord id you act as first.');
            return;
          }
          void act('Ticket closed; its transcript is stored.', () => api.send('POST', `${base}/close`, { closedBy: actor.id, ...(reason.trim() ? { reason: reason.trim() } : {}) })).then(() => {
            setClosing(false);
            setReason('');
          });
        }}
      >
        <p>The member is told and the thread is archived. It can be reopened later.</p>
        <Field kind="textarea" label="Reason (optional)" value={reason} onChange={setReason} rows={2} maxLength={1000} />
      </ConfirmDialog>
    </>
  );
}
