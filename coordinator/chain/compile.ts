import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** What deployment needs from a compiled contract. */
export interface CompiledContract {
  contractName: string;
  abi: unknown[];
  /** 0x-prefixed creation bytecode. */
  bytecode: string;
  solcVersion: string;
  sourceSha256: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
/** The repository's contracts/ folder, found from this file so it works from any working directory. */
export const CONTRACTS_DIR = path.resolve(here, '..', '..', 'contracts');
export const TOKEN_SOURCE = path.join(CONTRACTS_DIR, 'RigshareToken.sol');

function cacheDir(): string {
  return process.env.RIGSHARE_CONTRACT_CACHE ?? path.join(os.tmpdir(), 'rigshare-contracts');
}

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts?: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>;
}

/**
 * Compiles a Solidity source with solc-js. The result is cached by the source's hash and the
 * compiler version, because loading and running the compiler costs seconds and the source
 * rarely changes; a changed source always recompiles.
 */
export function compileContract(sourceFile: string, contractName: string): CompiledContract {
  const source = fs.readFileSync(sourceFile, 'utf8');
  const sourceSha256 = crypto.createHash('sha256').update(source).digest('hex');
  const require = createRequire(import.meta.url);
  const solcPackage = require('solc/package.json') as { version: string };
  const cacheFile = path.join(cacheDir(), `${contractName}-${solcPackage.version}-${sourceSha256.slice(0, 16)}.json`);
  try {
    const cached = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as CompiledContract;
    if (cached.sourceSha256 === sourceSha256 && cached.bytecode.startsWith('0x')) return cached;
  } catch {
    // Not cached yet, or a damaged cache entry: compile again.
  }
  const solc = require('solc') as { compile(input: string): string; version(): string };
  const fileName = path.basename(sourceFile);
  const input = {
    language: 'Solidity',
    sources: { [fileName]: { content: source } },
    settings: {
      optimizer: { enabled: true, runs: 200 },
      // ganache 7 implements up to the Shanghai rules; newer opcodes would not run there.
      evmVersion: 'shanghai',
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length)
    throw new Error(`Solidity compile of ${fileName} failed:\n${errors.map((e) => e.formattedMessage).join('\n')}`);
  const unit = output.contracts?.[fileName]?.[contractName];
  if (!unit) throw new Error(`${fileName} has no contract named ${contractName}`);
  const compiled: CompiledContract = {
    contractName,
    abi: unit.abi,
    bytecode: `0x${unit.evm.bytecode.object}`,
    solcVersion: solc.version(),
    sourceSha256,
  };
  fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(compiled));
  fs.renameSync(tmp, cacheFile);
  return compiled;
}

export function compileRigshareToken(): CompiledContract {
  return compileContract(TOKEN_SOURCE, 'RigshareToken');
}
