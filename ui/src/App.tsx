/** The UI's routes, under `/_ui/` (docs/ui.md "Pages"). */
import { AppShell, Anchor, Group, Text } from '@mantine/core';
import { createBrowserRouter, Link, Navigate, Outlet, RouterProvider } from 'react-router';
import { ConnectorPage } from './pages/ConnectorPage';
import { ConnectorsList } from './pages/ConnectorsList';
import { CreateConnector } from './pages/CreateConnector';

function Layout() {
  return (
    <AppShell header={{ height: 52 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Anchor component={Link} to="/connectors" fw={700} underline="never">
            Tributary
          </Anchor>
          <Text size="sm" c="dimmed">
            connectors · sync jobs · search
          </Text>
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
      { path: 'connectors', element: <ConnectorsList /> },
      { path: 'connectors/new', element: <CreateConnector /> },
      { path: 'connectors/:id', element: <ConnectorPage tab="overview" /> },
      { path: 'connectors/:id/configuration', element: <ConnectorPage tab="configuration" /> },
      { path: 'connectors/:id/jobs', element: <ConnectorPage tab="jobs" /> },
      { path: 'connectors/:id/documents', element: <ConnectorPage tab="documents" /> },
      { path: '*', element: <Text>No such page. <Anchor component={Link} to="/connectors">Connectors</Anchor></Text> },
    ],
  },
];

export function App() {
  return <RouterProvider router={createBrowserRouter(routes, { basename: '/_ui' })} />;
}
