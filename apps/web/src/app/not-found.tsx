import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="auth panel" id="main">
      <h1>Not found</h1>
      <p>This page does not exist, or it belongs to an organization you are not a member of.</p>
      <Link className="btn primary" href="/">
        Go to the overview
      </Link>
    </main>
  );
}
