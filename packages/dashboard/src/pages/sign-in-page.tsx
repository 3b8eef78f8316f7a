/**
 * Signing in: with Discord (GET /auth/discord/login, which comes back signed in), or with an operator API
 * token (POST /auth/token), which makes a browser session with that token's role.
 */
import { useState, type FormEvent } from 'react';
import { apiRequest } from '../api/api-client.ts';
import { Button } from '../components/button.tsx';
import { Field } from '../components/field.tsx';
import { ErrorNotice } from '../components/notice.tsx';
import { useAction } from '../hooks/use-api.ts';
import { useRouter } from '../routing/router.tsx';
import { useSession } from '../session/session-context.tsx';

const TOKEN_PATTERN = /^sbt_\S+$/;

export function SignInPage() {
  const { reload } = useSession();
  const { navigate } = useRouter();
  const action = useAction();
  const [token, setToken] = useState('');
  const [tokenError, setTokenError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = token.trim();
    if (!TOKEN_PATTERN.test(trimmed)) {
      setTokenError('must be an API token, which starts with sbt_');
      return;
    }
    setTokenError(null);
    const signedIn = await action.run(async () => {
      await apiRequest<void>('/auth/token', { method: 'POST', body: { token: trimmed } });
      return true;
    });
    if (signedIn) {
      setToken('');
      await reload();
      navigate('/', { replace: true });
    }
  };

  return (
    <main id="main" className="sign-in">
      <div className="card sign-in-card">
        <h1>Sign in to Switchboard</h1>
        <p className="muted">You see the servers where you have Manage Server.</p>
        <Button variant="primary" className="wide" onClick={() => window.location.assign('/auth/discord/login')}>
          Sign in with Discord
        </Button>
        <div className="divider" role="separator">
          <span>or</span>
        </div>
        <form aria-label="Sign in with an API token" onSubmit={(event) => void submit(event)} noValidate>
          <h2 className="small-heading">Sign in with an API token</h2>
          <Field kind="password" label="API token" value={token} onChange={setToken} error={tokenError} autoComplete="off" placeholder="sbt_…" required />
          <ErrorNotice error={action.error} />
          <Button type="submit" busy={action.pending}>
            Sign in with token
          </Button>
        </form>
      </div>
    </main>
  );
}
