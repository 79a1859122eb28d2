// electron-builder afterPack hook: harden the packaged Electron binary by flipping its fuses.
// It runs before code signing, so the signature covers the flipped binary.
const path = require('node:path');
const { flipFuses, FuseVersion, FuseV1Options } = require('@electron/fuses');

/**
 * Fuses are compiled-in switches that no command line, environment variable or file on disk can
 * turn back. Off: running the app as plain Node, NODE_OPTIONS and --inspect, which would let
 * anyone who can start the app run code with its keys. On: the app loads only from its asar,
 * and that asar must match the integrity hash built into the executable.
 */
const FUSE_CONFIG = Object.freeze({
  version: FuseVersion.V1,
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
});

/** Where electron-builder put the executable whose fuses to flip, per target platform. */
function executablePath(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  const productFilename = packager.appInfo.productFilename;
  switch (electronPlatformName) {
    case 'darwin':
    case 'mas':
      return path.join(appOutDir, `${productFilename}.app`);
    case 'win32':
      return path.join(appOutDir, `${productFilename}.exe`);
    case 'linux':
      // Linux executables are named by linux.executableName (lower case), not the product name.
      return path.join(appOutDir, packager.executableName || productFilename);
    default:
      throw new Error(`Cannot locate the Electron executable for platform "${electronPlatformName}".`);
  }
}

/** Ad-hoc signed macOS arm64 builds must be re-signed after their fuses change, or they will not start. */
function fuseConfigFor(context) {
  const isMac = context.electronPlatformName === 'darwin' || context.electronPlatformName === 'mas';
  return { ...FUSE_CONFIG, resetAdHocDarwinSignature: isMac };
}

async function afterPack(context) {
  await flipFuses(executablePath(context), fuseConfigFor(context));
}

module.exports = afterPack;
module.exports.default = afterPack;
module.exports.FUSE_CONFIG = FUSE_CONFIG;
module.exports.executablePath = executablePath;
module.exports.fuseConfigFor = fuseConfigFor;
