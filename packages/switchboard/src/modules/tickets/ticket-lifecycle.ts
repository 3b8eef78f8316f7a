/**
 * The ticket state machine, as a pure decision: given a ticket, what someone wants to do with it and who
 * they are, either the changes to make or the reason (in plain words, fit to show the person) why not.
 *
 *   open ──assign──▶ assigned ──unassign──▶ open
 *   open / assigned ──pending──▶ pending ──resume──▶ assigned (if it has an assignee) or open
 *   any but closed ──close──▶ closed ──reopen──▶ open
 *
 * `pending` means waiting on the requester: a reply from the creator resumes the ticket by itself.
 * Staff may do everything; the creator may reply, close, reopen and rate their own ticket.
 */
import type { TicketChanges, TicketRecord } from '../../storage/ticket-repository.ts';
import type { TicketPriority } from '../../storage/schema.ts';

export type TicketActor = { id: string; isStaff: boolean };

export type TicketAction =
  | { type: 'assign'; assigneeId: string }
  | { type: 'unassign' }
  | { type: 'set-status'; status: 'open' | 'pending' }
  | { type: 'set-priority'; priority: TicketPriority }
  | { type: 'reply'; at: number }
  | { type: 'close'; reason: string | null; at: number }
  | { type: 'reopen'; at: number }
  | { type: 'rate'; rating: number };

/** What happened, for whoever mirrors tickets elsewhere (the Discord side updates the thread from it). */
export type TicketEvent =
  | 'created'
  | 'message-added'
  | 'assigned'
  | 'unassigned'
  | 'status-changed'
  | 'priority-changed'
  | 'closed'
  | 'reopened'
  | 'rated';

/** `conflict`: the ticket's state does not allow it; `not_allowed`: this person may not; `invalid`: the request itself is wrong. */
export type TicketDecisionRefusal = { ok: false; code: 'conflict' | 'not_allowed' | 'invalid'; reason: string };

export type TicketDecision = { ok: true; changes: TicketChanges; event: TicketEvent } | TicketDecisionRefusal;

const mention = (userId: string) => `<@${userId}>`;

function refuse(code: TicketDecisionRefusal['code'], reason: string): TicketDecisionRefusal {
  return { ok: false, code, reason };
}

function accept(event: TicketEvent, changes: TicketChanges): TicketDecision {
  return { ok: true, changes, event };
}

/** The status a ticket goes back to when it is active again. */
function activeStatus(ticket: TicketRecord): 'open' | 'assigned' {
  return ticket.assigneeId === null ? 'open' : 'assigned';
}

export function decide(ticket: TicketRecord, action: TicketAction, actor: TicketActor): TicketDecision {
  const label = `Ticket #${ticket.number}`;
  const isCreator = actor.id === ticket.creatorId;
  const closed = ticket.status === 'closed';

  switch (action.type) {
    case 'assign': {
      if (!actor.isStaff) return refuse('not_allowed', 'Only staff can assign tickets.');
      if (closed) return refuse('conflict', `${label} is closed; reopen it before assigning it.`);
      if (ticket.assigneeId !== null) return refuse('conflict', `${label} is already assigned to ${mention(ticket.assigneeId)}.`);
      return accept('assigned', { assigneeId: action.assigneeId, status: ticket.status === 'pending' ? 'pending' : 'assigned' });
    }
    case 'unassign': {
      if (!actor.isStaff) return refuse('not_allowed', 'Only staff can unassign tickets.');
      if (closed) return refuse('conflict', `${label} is closed.`);
      if (ticket.assigneeId === null) return refuse('conflict', `${label} is not assigned to anyone.`);
      return accept('unassigned', { assigneeId: null, status: ticket.status === 'pending' ? 'pending' : 'open' });
    }
    case 'set-status': {
      if (!actor.isStaff) return refuse('not_allowed', 'Only staff can change the status of a ticket.');
      if (closed) return refuse('conflict', `${label} is closed; reopen it first.`);
      if (action.status === 'pending') {
        if (ticket.status === 'pending') return refuse('conflict', `${label} is already waiting on the requester.`);
        return accept('status-changed', { status: 'pending' });
      }
      if (ticket.status === 'open') return refuse('conflict', `${label} is already open.`);
      if (ticket.status === 'assigned') {
        return refuse('conflict', `${label} is assigned to ${mention(ticket.assigneeId ?? '')}; unassign it to put it back in the queue.`);
      }
      return accept('status-changed', { status: activeStatus(ticket) });
    }
    case 'set-priority': {
      if (!actor.isStaff) return refuse('not_allowed', 'Only staff can change the priority of a ticket.');
      if (closed) return refuse('conflict', `${label} is closed; reopen it first.`);
      if (ticket.priority === action.priority) return refuse('conflict', `${label} already has ${action.priority} priority.`);
      return accept('priority-changed', { priority: action.priority });
    }
    case 'reply': {
      if (!actor.isStaff && !isCreator) return refuse('not_allowed', `Only staff and the person who opened ${label} can reply to it.`);
      if (closed) return refuse('conflict', `${label} is closed; reopen it to reply.`);
      const resumes = isCreator && !actor.isStaff && ticket.status === 'pending';
      return accept('message-added', { lastActivityAt: action.at, warnedAt: null, ...(resumes ? { status: activeStatus(ticket) } : {}) });
    }
    case 'close': {
      if (!actor.isStaff && !isCreator) return refuse('not_allowed', `Only staff and the person who opened ${label} can close it.`);
      if (closed) return refuse('conflict', `${label} is already closed.`);
      return accept('closed', { status: 'closed', closedBy: actor.id, closeReason: action.reason, closedAt: action.at, warnedAt: null });
    }
    case 'reopen': {
      if (!actor.isStaff && !isCreator) return refuse('not_allowed', `Only staff and the person who opened ${label} can reopen it.`);
      if (!closed) return refuse('conflict', `${label} is not closed.`);
      return accept('reopened', {
        status: 'open',
        assigneeId: null,
        closedBy: null,
        closeReason: null,
        closedAt: null,
        warnedAt: null,
        lastActivityAt: action.at,
      });
    }
    case 'rate': {
      if (!isCreator) return refuse('not_allowed', `Only the person who opened ${label} can rate it.`);
      if (!Number.isInteger(action.rating) || action.rating < 1 || action.rating > 5) return refuse('invalid', 'A rating is a whole number from 1 to 5.');
      if (!closed) return refuse('conflict', `${label} can be rated once it is closed.`);
      if (ticket.rating !== null) return refuse('conflict', `${label} has already been rated.`);
      return accept('rated', { rating: action.rating });
    }
  }
}
