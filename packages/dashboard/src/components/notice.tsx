/**
 * A notice: an error from the hub (`role="alert"`), a success or plain information (`role="status"`),
 * optionally dismissable. Used for every message the dashboard shows about what just happened.
 */
import type { ReactNode } from 'react';
import type { ApiRequestError } from '../api/api-client.ts';

type NoticeProps = { tone: 'error' | 'success' | 'info'; children: ReactNode; onDismiss?: () => void; title?: string };

export function Notice({ tone, children, onDismiss, title }: NoticeProps) {
  return (
    <div className={`notice notice-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      <div className="notice-body">
        {title ? <strong className="notice-title">{title}</strong> : null}
        <div>{children}</div>
      </div>
      {onDismiss ? (
        <button type="button" className="notice-dismiss" onClick={onDismiss} aria-label="Dismiss">
          ×
        </button>
      ) : null}
    </div>
  );
}

/** An API error as a notice, or nothing; a 403 says plainly that this session may not see it. */
export function ErrorNotice({ error, onDismiss }: { error: ApiRequestError | null | undefined; onDismiss?: () => void }) {
  if (!error) return null;
  const title = error.status === 403 ? 'Not allowed' : error.status === 0 ? 'Cannot reach the hub' : 'Something went wrong';
  return (
    <Notice tone="error" title={title} {...(onDismiss ? { onDismiss } : {})}>
      {error.message} <span className="muted">({error.code})</span>
    </Notice>
  );
}
