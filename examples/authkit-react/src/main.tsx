import { StrictMode, useState, type FormEvent } from 'react';
import { createRoot } from 'react-dom/client';
import { AuthKitProvider, useAuth } from '@workos-inc/authkit-react';

/**
 * The whole integration is configuration: the gateway's hostname, port and scheme, and the
 * environment's client ID (served into the page by serve.mjs from WORKOS_* variables).
 */
interface Config {
  clientId: string;
  apiHostname: string;
  port?: number;
  https: boolean;
  /** Leave unset: authkit-js picks devMode (tokens in localStorage) on localhost, cookies elsewhere. */
  devMode?: boolean;
}
const config = JSON.parse(document.getElementById('authkit-config')!.textContent!) as Config;

function Session() {
  const { isLoading, user, organizationId, role, permissions, signIn, signOut, switchToOrganization } = useAuth();
  const [target, setTarget] = useState('');
  const [error, setError] = useState<string | null>(null);
  if (isLoading) return <p role="status">Loading…</p>;
  if (!user) {
    return (
      <section>
        <h1>AuthKit React example</h1>
        <p data-testid="signed-out">You are signed out.</p>
        <button type="button" onClick={() => void signIn()}>
          Sign in
        </button>
      </section>
    );
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    switchToOrganization({ organizationId: target.trim() }).catch((err: Error) => setError(err.message));
  };
  return (
    <section>
      <h1>AuthKit React example</h1>
      <p data-testid="user">
        Signed in as <strong>{user.email}</strong> ({user.firstName ?? 'no first name'})
      </p>
      <p data-testid="organization">Organization: {organizationId ?? 'none'}</p>
      <p data-testid="role">Role: {role ?? 'none'}</p>
      <p data-testid="permissions">Permissions: {permissions.join(', ') || 'none'}</p>
      <form onSubmit={submit}>
        <label htmlFor="organization-id">Switch to organization</label>
        <input id="organization-id" name="organization-id" value={target} onChange={(e) => setTarget(e.target.value)} placeholder="org_…" />
        <button type="submit">Switch organization</button>
      </form>
      {error ? <p role="alert">{error}</p> : null}
      <button type="button" onClick={() => signOut()}>
        Sign out
      </button>
    </section>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AuthKitProvider clientId={config.clientId} apiHostname={config.apiHostname} port={config.port} https={config.https} devMode={config.devMode}>
      <Session />
    </AuthKitProvider>
  </StrictMode>,
);
