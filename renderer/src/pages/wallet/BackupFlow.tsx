import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { WalletView } from '../../../../shared/api/methods/wallet';
import { getClient } from '../../api/client';

/**
 * Confirms a new wallet's written recovery words before its first payout. The words were shown
 * once, where the wallet was created; here the owner re-types only the asked-for ones.
 */
export function BackupFlow({ challenge, onDone }: { challenge: number[]; onDone: (v: WalletView) => void }) {
  const { t } = useTranslation('wallet');
  const [password, setPassword] = useState('');
  const [words, setWords] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: React.FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    try {
      onDone(await getClient().call('wallet.confirmBackup', { password, words }));
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
      setPassword('');
    }
  };
  return (
    <form className="card warn" data-testid="wallet-backup" onSubmit={(e) => void submit(e)}>
      <h3>{t('backup.title')}</h3>
      <p>{t('backup.intro')}</p>
      {challenge.map((n) => (
        <label key={n}>
          {t('backup.word', { n })}
          <input
            data-testid={`backup-word-${n}`}
            autoComplete="off"
            spellCheck={false}
            value={words[String(n)] ?? ''}
            onChange={(e) => setWords({ ...words, [String(n)]: e.target.value })}
          />
        </label>
      ))}
      <label>
        {t('backup.password')}
        <input
          type="password"
          data-testid="backup-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      <button type="submit" disabled={busy} data-testid="backup-confirm">
        {t('backup.confirm')}
      </button>
      {error && (
        <p className="error" role="alert" data-testid="backup-error">
          {error}
        </p>
      )}
    </form>
  );
}
