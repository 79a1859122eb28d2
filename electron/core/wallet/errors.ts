/** Failures a user can act on. Each message says what to do; none ever carries key material. */
export class WalletError extends Error {
  constructor(
    readonly code:
      | 'no_wallet'
      | 'wrong_password'
      | 'corrupt_keystore'
      | 'exists'
      | 'bad_mnemonic'
      | 'bad_key'
      | 'bad_address'
      | 'watch_only'
      | 'backup_pending'
      | 'backup_mismatch'
      | 'weak_password'
      | 'os_sealed',
    message: string,
  ) {
    super(message);
    this.name = 'WalletError';
  }
}
