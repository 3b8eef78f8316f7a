/**
 * The frame around every signed-in page: the header (name, guild picker, bot status, the signed-in user and
 * Sign out), the navigation (a menu button on narrow screens), a skip link, and the page in <main>.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { indicatorOf } from '../format/status-tones.ts';
import { useBotStatus } from '../hooks/use-bot-status.tsx';
import { useTheme } from '../hooks/use-theme.ts';
import { NAVIGATION } from '../routing/routes.ts';
import { Link, useRouter } from '../routing/router.tsx';
import { useSession } from '../session/session-context.tsx';
import { Button } from './button.tsx';
import { GuildPicker } from './guild-picker.tsx';
import { StatusIndicator } from './status-indicator.tsx';

export function AppShell({ children }: { children: ReactNode }) {
  const { me, signOut } = useSession();
  const { route, pathname } = useRouter();
  const status = useBotStatus();
  const [menuOpen, setMenuOpen] = useState(false);
  const [avatarFailed, setAvatarFailed] = useState(false);
  const { theme, toggle } = useTheme();

  // A page change closes the menu on narrow screens.
  useEffect(() => setMenuOpen(false), [pathname]);

  const indicator = indicatorOf(status.data, status.error !== null && status.data === undefined);
  const items = NAVIGATION.filter((item) => !(item.hubWide && me?.role === 'guild-manager'));
  const who = me?.user?.name ?? (me?.kind === 'token' ? `API token (${me.role})` : 'Signed in');

  return (
    <div className="app-shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <div className="brand">
          <button type="button" className="menu-button" aria-expanded={menuOpen} aria-controls="primary-nav" onClick={() => setMenuOpen((open) => !open)}>
            <span aria-hidden="true">☰</span>
            <span className="visually-hidden">Menu</span>
          </button>
          <Link to="/" className="brand-name">
            Switchboard
          </Link>
        </div>
        <GuildPicker />
        {/* The status page shows the indicator large; the header shows it everywhere else. */}
        {route.page !== 'status' ? <StatusIndicator state={indicator.state} label={indicator.label} /> : null}
        <div className="user-box">
          {/* Discord's CDN may be out of reach (an offline sandbox): no picture beats a broken one. */}
          {me?.user?.avatarUrl && !avatarFailed ? <img src={me.user.avatarUrl} alt="" className="avatar" width={28} height={28} onError={() => setAvatarFailed(true)} /> : null}
          <span className="user-name">{who}</span>
          <Button variant="ghost" aria-pressed={theme === 'light'} onClick={toggle}>
            {theme === 'dark' ? 'Light theme' : 'Dark theme'}
          </Button>
          <Button variant="ghost" onClick={() => void signOut()}>
            Sign out
          </Button>
        </div>
      </header>
      <div className="app-body">
        <nav id="primary-nav" aria-label="Main" className={menuOpen ? 'app-nav open' : 'app-nav'}>
          <ul>
            {items.map((item) => {
              const current = route.page === item.page || (item.page === 'tickets' && route.page === 'ticket');
              return (
                <li key={item.path}>
                  <Link to={item.path} current={current} className={current ? 'nav-link current' : 'nav-link'}>
                    {item.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <main id="main" tabIndex={-1} className="app-main">
          {children}
        </main>
      </div>
    </div>
  );
}
