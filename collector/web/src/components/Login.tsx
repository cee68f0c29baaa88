import { useEffect, useRef, useState } from 'preact/hooks';
import { loginProblem } from '../lib/api.js';
import { login } from '../lib/dashboard.js';

export function Login({ message }: { message: string | null }) {
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);

  const submit = async (event: Event) => {
    event.preventDefault();
    const value = token.trim();
    if (!value) {
      setProblem('Paste the access token you were given.');
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      await login(value);
    } catch (error) {
      setProblem(loginProblem(error));
      input.current?.select();
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login">
      <form class="login-card" onSubmit={submit} aria-labelledby="login-heading">
        <p class="brand">
          <span class="brand-mark" aria-hidden="true" />
          Bladeframe
        </p>
        <h1 id="login-heading">Operations console</h1>
        {message && (
          <p class="notice" role="status">
            {message}
          </p>
        )}
        <div class="field">
          <label for="token">Access token</label>
          <input
            id="token"
            ref={input}
            type="password"
            autoComplete="off"
            spellcheck={false}
            placeholder="bft_…"
            value={token}
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? 'login-problem' : 'token-hint'}
            onInput={(e) => setToken(e.currentTarget.value)}
          />
          <span class="hint" id="token-hint">
            Kept for this browser tab only. Ask an administrator for a token.
          </span>
        </div>
        {problem && (
          <p class="error-box" role="alert" id="login-problem">
            {problem}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Checking…' : 'Log in'}
        </button>
      </form>
    </main>
  );
}
