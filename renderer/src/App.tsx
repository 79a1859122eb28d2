import { useEffect } from 'react';
import { Layout } from './components/Layout';
import { setLanguage } from './i18n';
import { pages } from './pages/registry';
import { watchAgentStatus } from './stores/agent-status';
import { useNavigation } from './stores/navigation';
import { settings } from './stores/settings';

export function App() {
  const page = useNavigation((s) => s.page);
  const { data } = settings.use();
  useEffect(watchAgentStatus, []);
  useEffect(() => {
    if (data) setLanguage(data.settings.language);
  }, [data]);
  const current = pages.find((p) => p.id === page) ?? pages[0]!;
  const Page = current.component;
  return (
    <Layout>
      <Page />
    </Layout>
  );
}
