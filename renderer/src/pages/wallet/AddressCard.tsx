import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** The receiving address, with copy and a QR code a phone wallet can scan. */
export function AddressCard({ address, kind }: { address: string; kind: string }) {
  const { t } = useTranslation('wallet');
  const [qr, setQr] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    let live = true;
    QRCode.toDataURL(`ethereum:${address}`, { margin: 1, width: 160 })
      .then((url) => live && setQr(url))
      .catch(() => live && setQr(null));
    return () => {
      live = false;
    };
  }, [address]);
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(address);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      setCopied(false);
    }
  };
  return (
    <div className="card" data-testid="wallet-address-card">
      <h3>{t('address.title')}</h3>
      <p className="muted">{t(`kind.${kind}`)}</p>
      <code data-testid="wallet-address" style={{ wordBreak: 'break-all' }}>
        {address}
      </code>
      <div>
        <button type="button" onClick={() => void copy()} data-testid="wallet-copy">
          {copied ? t('address.copied') : t('address.copy')}
        </button>
      </div>
      {qr && <img src={qr} alt={t('address.qr')} data-testid="wallet-qr" width={160} height={160} />}
    </div>
  );
}
