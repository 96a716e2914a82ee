import { signOut, switchToOrganization, withAuth } from '@workos-inc/authkit-nextjs';

// Read per request: the session is the wos-session cookie authkit-nextjs keeps.
export const dynamic = 'force-dynamic';

export default async function Home() {
  const { user, organizationId, role, sessionId } = await withAuth();
  if (!user) {
    return (
      <main>
        <h1>AuthKit Next.js example</h1>
        <p data-testid="signed-out">You are signed out.</p>
        <a href="/sign-in">Sign in</a>
      </main>
    );
  }

  async function switchOrganization(form) {
    'use server';
    await switchToOrganization(String(form.get('organization-id') ?? '').trim(), { returnTo: '/' });
  }
  async function leave() {
    'use server';
    await signOut();
  }

  return (
    <main>
      <h1>AuthKit Next.js example</h1>
      <p data-testid="user">
        Signed in as <strong>{user.email}</strong> ({user.firstName ?? 'no first name'})
      </p>
      <p data-testid="organization">Organization: {organizationId ?? 'none'}</p>
      <p data-testid="role">Role: {role ?? 'none'}</p>
      <p data-testid="session">Session: {sessionId}</p>
      <form action={switchOrganization}>
        <label htmlFor="organization-id">Switch to organization</label>
        <input id="organization-id" name="organization-id" placeholder="org_…" />
        <button type="submit">Switch organization</button>
      </form>
      <form action={leave}>
        <button type="submit">Sign out</button>
      </form>
    </main>
  );
}
