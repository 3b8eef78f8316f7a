/**
 * The dashboard's pages and their paths (History API, no hash): matching a path to a page, and the paths
 * back. Pure, so that it is tested without a browser.
 */

export type Route =
  | { page: 'status' }
  | { page: 'tickets' }
  | { page: 'ticket'; guildId: string; number: number }
  | { page: 'sessions' }
  | { page: 'apps' }
  | { page: 'connections' }
  | { page: 'meetings' }
  | { page: 'config' }
  | { page: 'jobs' }
  | { page: 'sign-in' }
  | { page: 'not-found'; path: string };

const SIMPLE: Record<string, Route> = {
  '/': { page: 'status' },
  '/tickets': { page: 'tickets' },
  '/sessions': { page: 'sessions' },
  '/apps': { page: 'apps' },
  '/connections': { page: 'connections' },
  '/meetings': { page: 'meetings' },
  '/config': { page: 'config' },
  '/jobs': { page: 'jobs' },
  '/sign-in': { page: 'sign-in' },
};

export function matchRoute(pathname: string): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  const simple = SIMPLE[path];
  if (simple) return simple;
  const ticket = /^\/tickets\/(\d{17,20})\/(\d{1,10})$/.exec(path);
  if (ticket) {
    const number = Number(ticket[2]);
    if (number >= 1) return { page: 'ticket', guildId: ticket[1]!, number };
  }
  return { page: 'not-found', path };
}

export function ticketPath(guildId: string, number: number): string {
  return `/tickets/${guildId}/${number}`;
}

/** The navigation, in order; `hubWide` pages are hidden from guild managers, whose sessions cannot read them. */
export const NAVIGATION: { path: string; label: string; page: Route['page']; hubWide?: true }[] = [
  { path: '/', label: 'Status', page: 'status' },
  { path: '/tickets', label: 'Tickets', page: 'tickets' },
  { path: '/sessions', label: 'Sessions', page: 'sessions' },
  { path: '/apps', label: 'Apps', page: 'apps', hubWide: true },
  { path: '/connections', label: 'Connections', page: 'connections' },
  { path: '/meetings', label: 'Meetings', page: 'meetings' },
  { path: '/config', label: 'Configuration', page: 'config' },
  { path: '/jobs', label: 'Jobs', page: 'jobs', hubWide: true },
];
