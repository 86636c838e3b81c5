/** The top bar: the app's pages, the user and their role, log out. */
import { useAuth, useUser } from '../auth/auth';
import { Link, useLocation } from '../router/router';

const PAGES = [
  { to: '/', label: 'Overview', testid: 'nav-overview' },
  { to: '/pivot', label: 'Pivot', testid: 'nav-pivot' },
  { to: '/feeds', label: 'Feeds', testid: 'nav-feeds' },
  { to: '/partners', label: 'Partners', testid: 'nav-partners' },
  { to: '/report', label: 'Report', testid: 'nav-report' },
] as const;

export function Nav() {
  const user = useUser();
  const { logout } = useAuth();
  const { pathname } = useLocation();
  return (
    <header className="topbar">
      <Link to="/" className="brand">
        <span className="brand-mark" aria-hidden="true">
          ▲
        </span>
        Accord
      </Link>
      <nav aria-label="Pages">
        <ul className="nav-links">
          {PAGES.map((p) => {
            const current = p.to === '/' ? pathname === '/' : pathname.startsWith(p.to);
            return (
              <li key={p.to}>
                <Link
                  to={p.to}
                  data-testid={p.testid}
                  className={current ? 'nav-link current' : 'nav-link'}
                  aria-current={current ? 'page' : undefined}
                  title={p.to === '/partners' && user.role !== 'admin' ? 'Administrators only' : undefined}
                >
                  {p.label}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <div className="user">
        <span className="user-name" data-testid="user-name">
          {user.name}
        </span>
        <span className={`role role-${user.role}`}>{user.role}</span>
        <button
          type="button"
          className="button button-ghost"
          data-testid="logout"
          onClick={() => void logout()}
        >
          Log out
        </button>
      </div>
    </header>
  );
}
