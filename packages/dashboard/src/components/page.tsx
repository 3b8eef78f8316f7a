/** A page's heading with its actions, and the message guild pages show until a server is chosen. */
import type { ReactNode } from 'react';

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="page-header">
      <h1>{title}</h1>
      {children ? <div className="page-actions">{children}</div> : null}
    </div>
  );
}

export function NoGuild() {
  return <p className="muted">Choose a server in the header to see this page. When the list is empty, the bot has not joined a server you may manage yet.</p>;
}
