import { useState, type FormEvent } from 'react';

/** Where a dev token (printed by `npm start`, or `npm run dev-token`) is pasted. */
export function SignIn({ title, hint, onToken }: { title: string; hint: string; onToken: (token: string) => void }) {
  const [token, setToken] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (token.trim()) onToken(token.trim());
  };
  return (
    <form className="sign-in" onSubmit={submit}>
      <h1>{title}</h1>
      <p>{hint}</p>
      <textarea name="token" rows={4} placeholder="eyJhbGciOi…" value={token} onChange={(e) => setToken(e.target.value)} />
      <button type="submit">Sign in</button>
    </form>
  );
}
