/**
 * The dashboard: the login page until someone is logged in, then the top bar and the page the URL
 * names. Pages are loaded on demand (echarts and the world map only with the overview).
 */
import { type ComponentType, type LazyExoticComponent, lazy, Suspense, useEffect } from 'react';
import { AuthProvider, useAuth } from './auth/auth';
import { Nav } from './components/nav';
import { ErrorBox, Loading } from './components/status';
import { LoginPage } from './pages/login-page';
import { navigate, useLocation } from './router/router';

const ROUTES: Readonly<Record<string, LazyExoticComponent<ComponentType>>> = {
  '/': lazy(() => import('./pages/overview/overview-page')),
  '/pivot': lazy(() => import('./pages/pivot-page')),
  '/feeds': lazy(() => import('./pages/feeds-page')),
  '/partners': lazy(() => import('./pages/partners-page')),
  '/report': lazy(() => import('./pages/report-page')),
};
const NotFound = lazy(() => import('./pages/not-found-page'));

const TITLES: Readonly<Record<string, string>> = {
  '/': 'Overview',
  '/pivot': 'Pivot',
  '/feeds': 'Feeds',
  '/partners': 'Partners',
  '/report': 'Report',
};

function Routed() {
  const { pathname } = useLocation();
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  const Page = ROUTES[path] ?? NotFound;
  useEffect(() => {
    document.title = `${TITLES[path] ?? 'Not found'} · Accord`;
  }, [path]);
  return (
    <>
      <Nav />
      <main className="content">
        <Suspense fallback={<Loading what="Loading the page" />}>
          <Page />
        </Suspense>
      </main>
    </>
  );
}

function Gate() {
  const { auth, retry } = useAuth();
  const { pathname } = useLocation();

  // The login page has its own URL only as a landing place: once in, go to the overview.
  useEffect(() => {
    if (auth.status === 'signed-in' && pathname === '/login') navigate('/', { replace: true });
  }, [auth.status, pathname]);

  switch (auth.status) {
    case 'checking':
      return <Loading what="Connecting to Accord" />;
    case 'unreachable':
      return (
        <main className="login">
          <ErrorBox error={new Error(auth.message)} onRetry={retry} />
        </main>
      );
    case 'anonymous':
      return <LoginPage expired={auth.reason === 'expired'} />;
    case 'signed-in':
      return <Routed />;
  }
}

export function App() {
  return (
    <AuthProvider>
      <Gate />
    </AuthProvider>
  );
}
