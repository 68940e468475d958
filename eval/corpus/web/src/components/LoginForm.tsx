import { useState, type FormEvent } from 'react';
import { signIn } from 'next-auth/react';

interface LoginFormProps {
  onSuccess?: (token: string) => void;
  passwordLabel?: string;
}

export function LoginForm({ onSuccess, passwordLabel = 'Password' }: LoginFormProps) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [showPassword, setShowPassword] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const res = await signIn('credentials', { email, password, redirect: false });
    if (res?.error) setError('Invalid email or password');
    else onSuccess?.(res?.url ?? '');
  }

  return (
    <form onSubmit={submit} className="space-y-4">
      <input type="email" name="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} />
      <label htmlFor="password">{passwordLabel}</label>
      <input
        id="password"
        name="password"
        type={showPassword ? 'text' : 'password'}
        autoComplete="current-password"
        placeholder="Enter your password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      <button type="button" onClick={() => setShowPassword((v) => !v)}>
        {showPassword ? 'Hide' : 'Show'}
      </button>
      {error && <p role="alert">{error}</p>}
      <button type="submit">Sign in</button>
    </form>
  );
}
