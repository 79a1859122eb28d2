import { LangEn } from 'ethers/wordlists';

/**
 * Secrets must never reach a log file. Known secret values are registered at run time (tokens,
 * passwords); shapes that are secret by nature (private keys, mnemonics) are masked wherever they
 * appear, even in messages from libraries.
 */
const registered = new Set<string>();

export function registerSecret(value: string): void {
  if (value.length >= 8) registered.add(value);
}

export function forgetSecret(value: string): void {
  registered.delete(value);
}

const HEX_KEY = /\b(0x)?[0-9a-fA-F]{64}\b/g;
const MNEMONIC_MIN_WORDS = 12;
const english = LangEn.wordlist();

/** Masks each run of 12 or more consecutive BIP-39 words: the shape of a recovery phrase. */
function maskMnemonics(text: string): string {
  return text.replace(/[a-z]+(?:\s+[a-z]+){11,}/g, (run) => {
    const words = run.split(/\s+/);
    const kept: string[] = [];
    let streak: string[] = [];
    const flush = (): void => {
      if (streak.length >= MNEMONIC_MIN_WORDS) kept.push('[redacted mnemonic]');
      else kept.push(...streak);
      streak = [];
    };
    for (const word of words) {
      if (english.getWordIndex(word) >= 0) streak.push(word);
      else {
        flush();
        kept.push(word);
      }
    }
    flush();
    return kept.join(' ');
  });
}

export function scrubText(text: string): string {
  let out = text;
  for (const secret of registered) out = out.split(secret).join('[redacted]');
  out = out.replace(HEX_KEY, '[redacted key]');
  out = maskMnemonics(out);
  return out;
}
