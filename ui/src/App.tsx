/** The UI's routes, under `/_ui/` (docs/ui.md "Pages"). */
import { AppShell, Anchor, Badge, Button, Group, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { createBrowserRouter, Link, Navigate, Outlet, RouterProvider, useLocation, useNavigate } from 'react-router';
import { useCapabilities } from './api/privileges';
import { currentSession, endSession, onSessionChange, onUnauthorized } from './api/session';
import { Login } from './pages/Login';
import { ConnectorPage } from './pages/ConnectorPage';
import { ConnectorsList } from './pages/ConnectorsList';
import { CreateConnector } from './pages/CreateConnector';

/** Sends the user to the login page on any 401, back here afterwards; shows who is signed in. */
function useSessionGate() {
  const navigate = useNavigate();
  const location = useLocation();
  const [session, setSession] = useState(currentSession);
  useEffect(() => onSessionChange(() => setSession(currentSession())), []);
  useEffect(
    () =>
      onUnauthorized(() => {
        if (location.pathname === '/login') return;
        const had = currentSession() !== null;
        endSession();
        const next = encodeURIComponent(location.pathname + location.search);
        navigate(`/login?next=${next}${had ? '&expired=1' : ''}`, { replace: true });
      }),
    [location, navigate],
  );
  return session;
}

function Layout() {
  const session = useSessionGate();
  const navigate = useNavigate();
  const can = useCapabilities();
  const readOnly = can !== null && Object.values(can).every((v) => !v);
  return (
    <AppShell header={{ height: 52 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Anchor component={Link} to="/connectors" fw={700} underline="never">
            Tributary
          </Anchor>
          {session ? (
            <Group gap="sm">
              <Text size="sm" data-user={session.user}>
                {session.user}
              </Text>
              {readOnly && (
                <Badge color="gray" variant="light" data-read-only title="This user may view connectors but not change them">
                  read only
                </Badge>
              )}
              <Button
                size="xs"
                variant="subtle"
                onClick={() => {
                  endSession();
                  navigate('/login');
                }}
              >
                Sign out
              </Button>
            </Group>
          ) : (
            <Text size="sm" c="dimmed">
              connectors · sync jobs · search
            </Text>
          )}
        </Group>
      </AppShell.Header>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}

export const routes = [
  {
    path: '/',
    element: <Layout />,
    children: [
      { index: true, element: <Navigate to="/connectors" replace /> },
      { path: 'login', element: <Login /> },
      { path: 'connectors', element: <ConnectorsList /> },
      { path: 'connectors/new', element: <CreateConnector /> },
      { path: 'connectors/:id', element: <ConnectorPage tab="overview" /> },
      { path: 'connectors/:id/configuration', element: <ConnectorPage tab="configuration" /> },
      { path: 'connectors/:id/scheduling', element: <ConnectorPage tab="scheduling" /> },
      { path: 'connectors/:id/sync-rules', element: <ConnectorPage tab="sync-rules" /> },
      { path: 'connectors/:id/jobs', element: <ConnectorPage tab="jobs" /> },
      { path: 'connectors/:id/documents', element: <ConnectorPage tab="documents" /> },
      { path: '*', element: <Text>No such page. <Anchor component={Link} to="/connectors">Connectors</Anchor></Text> },
    ],
  },
];

export function App() {
  return <RouterProvider router={createBrowserRouter(routes, { basename: '/_ui' })} />;
}
