import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useAgentStatus } from '../stores/agent-status';
import { useConnection } from '../stores/connection';
import { useNavigation } from '../stores/navigation';
import { pages } from '../pages/registry';

export function Layout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { page, go } = useNavigation();
  const connected = useConnection((s) => s.connected);
  const status = useAgentStatus((s) => s.status);
  const state = !connected ? 'offline' : (status?.state ?? 'starting');
  return (
    <div className="layout">
      <nav className="nav">
        <div className="brand">Rigshare</div>
        <ul>
          {pages.map((p) => (
            <li key={p.id}>
              <a
                href={`#/${p.id}`}
                data-testid={`nav-${p.id}`}
                className={p.id === page ? 'active' : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  go(p.id);
                }}
              >
                {t(p.labelKey)}
              </a>
            </li>
          ))}
        </ul>
        <div className={`agent-state ${state}`} data-testid="agent-state">
          {t(`agentState.${state}`)}
        </div>
      </nav>
      <main className="content">
        {status && status.problems.length > 0 && (
          <ul className="problems" role="alert" data-testid="agent-problems">
            {status.problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        )}
        {children}
      </main>
    </div>
  );
}
