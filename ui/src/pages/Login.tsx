/**
 * `/_ui/login`: with security on, sign in with a user and password or an API key (checked with
 * `GET _security/_authenticate`); then back to the page that asked (`?next=`).
 */
import { Alert, Button, Paper, PasswordInput, SegmentedControl, Stack, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { api } from '../api/client';
import { apiKeyAuthorization, basicAuthorization, safeNext, saveSession } from '../api/session';

export function Login() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [mode, setMode] = useState<'password' | 'api_key'>('password');
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(params.get('expired') ? 'Your session ended: sign in again.' : null);
  const [busy, setBusy] = useState(false);

  async function submit(ev: FormEvent) {
    ev.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const authorization = mode === 'password' ? basicAuthorization(user, password) : apiKeyAuthorization(key);
      const who = await api.authenticate(authorization);
      saveSession(authorization, who.username);
      navigate(safeNext(params.get('next')), { replace: true });
    } catch (e) {
      setError(mode === 'password' ? 'Wrong user name or password' : `This API key was refused: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Paper withBorder p="lg" maw={400} mx="auto" mt="xl">
      <form onSubmit={submit} aria-label="Sign in">
        <Stack>
          <Title order={2}>Sign in</Title>
          <SegmentedControl
            value={mode}
            onChange={(v) => setMode(v as 'password' | 'api_key')}
            data={[
              { label: 'User and password', value: 'password' },
              { label: 'API key', value: 'api_key' },
            ]}
          />
          {mode === 'password' ? (
            <>
              <TextInput label="User name" autoComplete="username" required value={user} onChange={(e) => setUser(e.currentTarget.value)} />
              <PasswordInput label="Password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
            </>
          ) : (
            <PasswordInput label="API key (encoded)" required value={key} onChange={(e) => setKey(e.currentTarget.value)} />
          )}
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <Button type="submit" loading={busy}>
            Sign in
          </Button>
        </Stack>
      </form>
    </Paper>
  );
}
