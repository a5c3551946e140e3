// electron-builder afterPack hook: flips Electron's fuses in the packaged binary before it is
// signed (docs/security.md "Fuses"). Each fuse turns off a way to run code the app did not ship.
// Exported as names so a unit test can hold the list (test/unit/electron/fuses.test.ts).
'use strict';

/** Fuse (by @electron/fuses' FuseV1Options name) → its state in every package we build. */
const FUSES = Object.freeze({
  // the binary must not double as a plain Node (ELECTRON_RUN_AS_NODE)
  RunAsNode: false,
  // cookies encrypted at rest with the OS keyring
  EnableCookieEncryption: true,
  // NODE_OPTIONS could preload any script into the main process
  EnableNodeOptionsEnvironmentVariable: false,
  // --inspect and friends would hand the main process to a debugger
  EnableNodeCliInspectArguments: false,
  // app.asar checked against the hash built into the binary (macOS and Windows; Linux has no check)
  EnableEmbeddedAsarIntegrityValidation: true,
  // the app is loaded from app.asar only, never from a loose app/ folder beside it
  OnlyLoadAppFromAsar: true,
  // no browser-process V8 snapshot from disk (the default; stated so an upgrade cannot change it)
  LoadBrowserProcessSpecificV8Snapshot: false,
  // file:// gets no more than any other scheme: the wall is served from app://, never file://
  GrantFileProtocolExtraPrivileges: false,
});

/**
 * The config @electron/fuses' flipFuses takes. Not strict about fuses it does not name: Electron 41
 * may carry fuses newer than this @electron/fuses knows, and strict mode would then refuse the build.
 */
function fuseConfig(fuses) {
  const config = { version: fuses.FuseVersion.V1, strictlyRequireAllFuses: false, resetAdHocDarwinSignature: false };
  for (const [name, value] of Object.entries(FUSES)) {
    const index = fuses.FuseV1Options[name];
    if (typeof index !== 'number') throw new Error(`@electron/fuses knows no fuse named ${name}`);
    config[index] = value;
  }
  return config;
}

/**
 * electron-builder calls this with its pack context; `context.packager.addElectronFuses` finds the
 * binary for each platform and calls flipFuses on it. `fuses` is @electron/fuses (a test passes
 * its own).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- electron-builder loads this hook as CommonJS
async function afterPack(context, fuses = require('@electron/fuses')) {
  const config = fuseConfig(fuses);
  // macOS: re-sign ad hoc after flipping only when the build is not signed properly afterwards
  if (context.electronPlatformName === 'darwin' || context.electronPlatformName === 'mas') config.resetAdHocDarwinSignature = context.arch === 3 /* arm64 */;
  await context.packager.addElectronFuses(context, config);
}

module.exports = afterPack;
module.exports.default = afterPack;
module.exports.FUSES = FUSES;
module.exports.fuseConfig = fuseConfig;
