/** A path the dashboard has no page for. */
import { PageHeader } from '../components/page.tsx';
import { Link } from '../routing/router.tsx';

export function NotFoundPage({ path }: { path: string }) {
  return (
    <>
      <PageHeader title="Page not found" />
      <p>
        There is no page at <code>{path}</code>. <Link to="/">Go to the status page</Link>.
      </p>
    </>
  );
}
