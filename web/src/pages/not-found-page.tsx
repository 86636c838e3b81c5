import { Link, useLocation } from '../router/router';

export default function NotFoundPage() {
  const { pathname } = useLocation();
  return (
    <section className="page">
      <h1>Page not found</h1>
      <p>
        There is no page at <code>{pathname}</code>. <Link to="/">Go to the overview</Link>.
      </p>
    </section>
  );
}
