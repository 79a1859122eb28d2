import crypto from 'node:crypto';
import fs from 'node:fs';
import { HDNodeWallet, Mnemonic, Wallet, getAddress, isAddress } from 'ethers';
import { registerSecret } from '../log/scrub';
import { WalletError } from './errors';
import { quarantineFile } from '../files/quarantine';
import { META_FILE, WalletMeta, walletPaths, writeFileAtomic, type WalletPaths } from './files';
import { decryptKeystoreFile, encryptSigner, type KeystoreOptions, type Signer } from './keystore';
import { classifyKeystoreText, sealKeystore, usableBox, type SecretBox } from './secret-box';

export const MIN_PASSWORD_LENGTH = 8;
const CHALLENGE_WORDS = 3;

/** What may leave the wallet: addresses and flags, never key material. */
export interface WalletInfo {
  kind: WalletMeta['kind'];
  address: string;
  backupConfirmed: boolean;
  /** Where payouts may go: null while a new mnemonic's backup is unconfirmed. */
  payoutAddress: string | null;
  /** 1-based word numbers to re-enter, while the backup is unconfirmed. */
  backupChallenge: number[];
}

export type WalletState =
  { state: 'none' } | { state: 'ready'; info: WalletInfo } | { state: 'corrupt'; file: string; message: string };

export interface WalletServiceOptions {
  dataDir: string;
  keystore?: Pick<KeystoreOptions, 'insecureTestScryptN'>;
  /** The desktop app's OS keychain: new keystores are sealed with it when it is really OS-backed. */
  secretBox?: SecretBox;
  now?: () => number;
}

/**
 * The payout wallet of this rig. Keys live encrypted in the data dir and are decrypted only in
 * this process, only to sign; what the service hands out is the address and its backup state.
 */
export class WalletService {
  readonly paths: WalletPaths;
  private readonly now: () => number;
  private unlocked: Signer | null = null;

  constructor(private readonly options: WalletServiceOptions) {
    this.paths = walletPaths(options.dataDir);
    this.now = options.now ?? Date.now;
  }

  state(): WalletState {
    let meta: WalletMeta;
    try {
      meta = WalletMeta.parse(JSON.parse(fs.readFileSync(this.paths.meta, 'utf8')));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        if (fs.existsSync(this.paths.keystore)) return this.keystoreState(null);
        return { state: 'none' };
      }
      return {
        state: 'corrupt',
        file: this.paths.meta,
        message: `The wallet description ${this.paths.meta} is damaged. Import the wallet again from its recovery words or key; the damaged file is kept aside.`,
      };
    }
    if (meta.kind !== 'watch-only') return this.keystoreState(meta);
    return { state: 'ready', info: toInfo(meta) };
  }

  private keystoreState(meta: WalletMeta | null): WalletState {
    let text = '';
    try {
      text = fs.readFileSync(this.paths.keystore, 'utf8');
    } catch {
      // Missing is reported the same way as damaged: the keys are not usable.
    }
    const kind = classifyKeystoreText(text);
    // A sealed file is healthy even where it cannot be opened: it must never be moved aside or replaced.
    if (kind.kind === 'damaged') {
      return {
        state: 'corrupt',
        file: this.paths.keystore,
        message: `The wallet file ${this.paths.keystore} is damaged and cannot be decrypted. It has been left untouched. Restore the wallet from its recovery words (rigshare wallet import).`,
      };
    }
    if (!meta) {
      const address = kind.kind === 'plain' ? kind.address : getAddress(kind.file.address);
      return {
        state: 'ready',
        info: toInfo({ kind: 'private-key', address, createdAt: 0, backupConfirmed: true, backupChallenge: [] }),
      };
    }
    return { state: 'ready', info: toInfo(meta) };
  }

  info(): WalletInfo | null {
    const s = this.state();
    return s.state === 'ready' ? s.info : null;
  }

  /** The address payouts go to, or null when there is none yet (or its backup is unconfirmed). */
  payoutAddress(): string | null {
    return this.info()?.payoutAddress ?? null;
  }

  /**
   * Creates a new wallet from fresh BIP-39 words. The words are returned to the in-process caller
   * exactly once, to be shown on its own screen; they are never stored in the clear.
   */
  async create(password: string, onProgress?: (f: number) => void): Promise<{ info: WalletInfo; mnemonic: string }> {
    this.checkPassword(password);
    this.prepareSlot();
    const wallet = HDNodeWallet.fromMnemonic(Mnemonic.fromEntropy(crypto.randomBytes(16)));
    const words = wallet.mnemonic!.phrase.split(' ').length;
    await this.store(wallet, password, 'mnemonic', false, pickChallenge(words), onProgress);
    return { info: this.info()!, mnemonic: wallet.mnemonic!.phrase };
  }

  async importMnemonic(phrase: string, password: string, onProgress?: (f: number) => void): Promise<WalletInfo> {
    this.checkPassword(password);
    const normalized = phrase.trim().toLowerCase().split(/\s+/).join(' ');
    if (!Mnemonic.isValidMnemonic(normalized)) {
      throw new WalletError(
        'bad_mnemonic',
        'Those recovery words are not a valid BIP-39 phrase. Check each word and their order.',
      );
    }
    registerSecret(normalized);
    this.prepareSlot();
    await this.store(HDNodeWallet.fromPhrase(normalized), password, 'mnemonic', true, [], onProgress);
    return this.info()!;
  }

  async importPrivateKey(key: string, password: string, onProgress?: (f: number) => void): Promise<WalletInfo> {
    this.checkPassword(password);
    const hex = key.trim().startsWith('0x') ? key.trim() : `0x${key.trim()}`;
    if (!/^0x[0-9a-fA-F]{64}$/.test(hex))
      throw new WalletError('bad_key', 'A private key is 64 hexadecimal characters, optionally after 0x.');
    registerSecret(hex);
    this.prepareSlot();
    await this.store(new Wallet(hex), password, 'private-key', true, [], onProgress);
    return this.info()!;
  }

  /** Pays out to an address held elsewhere (another wallet, an exchange deposit address). No key here. */
  watch(address: string): WalletInfo {
    if (!isAddress(address))
      throw new WalletError(
        'bad_address',
        `"${address}" is not an Ethereum address (0x followed by 40 hex characters).`,
      );
    if (fs.existsSync(this.paths.keystore)) {
      throw new WalletError(
        'exists',
        'This rig already holds a wallet key. Pay out to it, or remove the wallet before switching to a watch-only address.',
      );
    }
    writeFileAtomic(
      this.paths.meta,
      JSON.stringify(
        {
          kind: 'watch-only',
          address: getAddress(address),
          createdAt: this.now(),
          backupConfirmed: true,
          backupChallenge: [],
        } satisfies WalletMeta,
        null,
        2,
      ),
    );
    return this.info()!;
  }

  /**
   * Proves the new recovery words were written down: the user re-enters the asked-for words,
   * checked against the decrypted mnemonic, in this process.
   */
  async confirmBackup(password: string, answers: Record<number, string>): Promise<WalletInfo> {
    const meta = this.readMeta();
    if (meta.backupConfirmed) return toInfo(meta);
    const signer = await this.decrypt(password);
    const words = signer instanceof HDNodeWallet && signer.mnemonic ? signer.mnemonic.phrase.split(' ') : [];
    const wrong = meta.backupChallenge.filter((i) => (answers[i + 1] ?? '').trim().toLowerCase() !== words[i]);
    if (wrong.length) {
      throw new WalletError(
        'backup_mismatch',
        `Word${wrong.length > 1 ? 's' : ''} ${wrong.map((i) => `#${i + 1}`).join(', ')} did not match. Check your written copy and try again.`,
      );
    }
    const next: WalletMeta = { ...meta, backupConfirmed: true, backupChallenge: [] };
    writeFileAtomic(this.paths.meta, JSON.stringify(next, null, 2));
    return toInfo(next);
  }

  /** Decrypts the key into memory for signing in this process. */
  async unlock(password: string, onProgress?: (f: number) => void): Promise<WalletInfo> {
    this.unlocked = await this.decrypt(password, onProgress);
    return this.info()!;
  }

  lock(): void {
    this.unlocked = null;
  }

  async signMessage(message: string): Promise<string> {
    if (!this.unlocked) throw new WalletError('no_wallet', 'Unlock the wallet with its password first.');
    return this.unlocked.signMessage(message);
  }

  private async decrypt(password: string, onProgress?: (f: number) => void): Promise<Signer> {
    const s = this.state();
    if (s.state === 'corrupt') throw new WalletError('corrupt_keystore', s.message);
    if (s.state === 'none')
      throw new WalletError(
        'no_wallet',
        'There is no wallet on this rig yet. Create one, import one, or set a watch-only payout address.',
      );
    if (s.info.kind === 'watch-only')
      throw new WalletError(
        'watch_only',
        'This is a watch-only address: its key lives elsewhere, so nothing is signed here.',
      );
    registerSecret(password);
    return decryptKeystoreFile(this.paths.keystore, password, onProgress, this.options.secretBox);
  }

  private readMeta(): WalletMeta {
    const s = this.state();
    if (s.state === 'corrupt') throw new WalletError('corrupt_keystore', s.message);
    if (s.state === 'none') throw new WalletError('no_wallet', 'There is no wallet on this rig yet.');
    return WalletMeta.parse(JSON.parse(fs.readFileSync(this.paths.meta, 'utf8')));
  }

  private checkPassword(password: string): void {
    if (password.length < MIN_PASSWORD_LENGTH) {
      throw new WalletError('weak_password', `Choose a wallet password of at least ${MIN_PASSWORD_LENGTH} characters.`);
    }
    registerSecret(password);
  }

  /**
   * A healthy wallet is never replaced by accident. A damaged one is moved aside (kept, with a
   * dated name) so the restored wallet can take its place.
   */
  private prepareSlot(): void {
    const s = this.state();
    if (s.state === 'ready') {
      throw new WalletError(
        'exists',
        `This rig already has a wallet (${s.info.address}). Remove ${this.paths.dir} yourself first if you really mean to replace it.`,
      );
    }
    if (s.state === 'corrupt') {
      for (const f of [this.paths.keystore, this.paths.meta]) {
        if (fs.existsSync(f)) quarantineFile(f, s.message, new Date(this.now()));
      }
    }
  }

  private async store(
    signer: Signer,
    password: string,
    kind: WalletMeta['kind'],
    backupConfirmed: boolean,
    challenge: number[],
    onProgress?: (f: number) => void,
  ): Promise<void> {
    const json = await encryptSigner(signer, password, {
      insecureTestScryptN: this.options.keystore?.insecureTestScryptN,
      onProgress,
    });
    const box = usableBox(this.options.secretBox);
    writeFileAtomic(this.paths.keystore, box ? sealKeystore(json, signer.address, box) : json);
    const meta: WalletMeta = {
      kind,
      address: signer.address,
      createdAt: this.now(),
      backupConfirmed,
      backupChallenge: challenge,
    };
    writeFileAtomic(this.paths.meta, JSON.stringify(meta, null, 2));
  }
}

function toInfo(meta: WalletMeta): WalletInfo {
  return {
    kind: meta.kind,
    address: meta.address,
    backupConfirmed: meta.backupConfirmed,
    payoutAddress: meta.backupConfirmed ? meta.address : null,
    backupChallenge: meta.backupChallenge.map((i) => i + 1),
  };
}

/** Three distinct word positions, in order, chosen at random. */
function pickChallenge(words: number): number[] {
  const picked = new Set<number>();
  while (picked.size < CHALLENGE_WORDS) picked.add(crypto.randomInt(words));
  return [...picked].sort((a, b) => a - b);
}

export { META_FILE };
