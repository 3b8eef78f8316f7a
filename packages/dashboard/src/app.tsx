/**
 * The dashboard: who is signed in decides between the sign-in page and the signed-in frame, and the route
 * picks the page inside it.
 */
import { useEffect } from 'react';
import { AppShell } from './components/app-shell.tsx';
import { ErrorNotice } from './components/notice.tsx';
import { BotStatusProvider } from './hooks/use-bot-status.tsx';
import { AppsPage } from './pages/apps-page.tsx';
import { ConfigPage } from './pages/config-page.tsx';
import { ConnectionsPage } from './pages/connections-page.tsx';
import { JobsPage } from './pages/jobs-page.tsx';
import { MeetingsPage } from './pages/meetings-page.tsx';
import { NotFoundPage } from './pages/not-found-page.tsx';
import { SessionsPage } from './pages/sessions-page.tsx';
import { SignInPage } from './pages/sign-in-page.tsx';
import { StatusPage } from './pages/status-page.tsx';
import { TicketPage } from './pages/ticket-page.tsx';
import { TicketsPage } from './pages/tickets-page.tsx';
import type { Route } from './routing/routes.ts';
import { RouterProvider, useRouter } from './routing/router.tsx';
import { GuildProvider } from './session/guild-context.tsx';
import { SessionProvider, useSession } from './session/session-context.tsx';

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'status':
      return <StatusPage />;
    case 'tickets':
      return <TicketsPage />;
    case 'ticket':
      return <TicketPage key={`${route.guildId}/${route.number}`} guildId={route.guildId} number={route.number} />;
    case 'sessions':
      return <SessionsPage />;
    case 'apps':
      return <AppsPage />;
    case 'connections':
      return <ConnectionsPage />;
    case 'meetings':
      return <MeetingsPage />;
    case 'config':
      return <ConfigPage />;
    case 'jobs':
      return <JobsPage />;
    case 'sign-in':
      return null;
    case 'not-found':
      return <NotFoundPage path={route.path} />;
  }
}

const TITLES: Record<Route['page'], string> = {
  status: 'Status',
  tickets: 'Tickets',
  ticket: 'Ticket',
  sessions: 'Sessions',
  apps: 'Apps',
  connections: 'Connections',
  meetings: 'Meetings',
  config: 'Configuration',
  jobs: 'Jobs',
  'sign-in': 'Sign in',
  'not-found': 'Not found',
};

function Root() {
  const { state } = useSession();
  const { route, navigate } = useRouter();

  useEffect(() => {
    document.title = `${TITLES[route.page]} · Switchboard`;
  }, [route.page]);

  // Signed out: every page leads to the sign-in page; signed in, the sign-in page leads home.
  useEffect(() => {
    if (state.phase === 'signed-out' && route.page !== 'sign-in') navigate('/sign-in', { replace: true });
    if (state.phase === 'signed-in' && route.page === 'sign-in') navigate('/', { replace: true });
  }, [state.phase, route.page, navigate]);

  if (state.phase === 'loading') return <p className="loading-screen">Loading…</p>;
  if (state.phase === 'failed') {
    return (
      <main id="main" className="sign-in">
        <ErrorNotice error={state.error} />
      </main>
    );
  }
  if (state.phase === 'signed-out' || route.page === 'sign-in') return <SignInPage />;
  return (
    <GuildProvider>
      <BotStatusProvider>
        <AppShell>
          <Page route={route} />
        </AppShell>
      </BotStatusProvider>
    </GuildProvider>
  );
}

export function App() {
  return (
    <RouterProvider>
      <SessionProvider>
        <Root />
      </SessionProvider>
    </RouterProvider>
  );
}
