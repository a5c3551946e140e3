// The packaging configuration, checked offline: electron-builder's own schema validation, the
// fields a duty-room package needs, and the fuses the afterPack hook flips.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_ROOT } from '../../helpers/host.js';

const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as { validateConfiguration(c: unknown, log: unknown): Promise<void> };
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
const fuses = require('@electron/fuses') as { FuseV1Options: Record<string, number>; FuseVersion: { V1: string } };
const hook = require('../../../build/fuses.cjs') as ((context: unknown, f?: unknown) => Promise<void>) & { FUSES: Record<string, boolean> };

type BuilderConfig = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const config = yaml.load(readFileSync(resolve(APP_ROOT, 'build/electron-builder.yml'), 'utf8')) as BuilderConfig;

describe('electron-builder configuration', () => {
  it('passes electron-builder\'s own schema', async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    // and the validation is real: a misspelt option fails it
    await expect(validateConfiguration({ ...config, linux: { ...config.linux, tarrget: 'deb' } }, new DebugLogger(false))).rejects.toThrow(/configuration\.linux/);
  }, 30_000); // compiling electron-builder's schema takes seconds on a busy 2-core machine

  it('builds what the duty room installs: AppImage and deb, an NSIS installer, with id, icons and case files', () => {
    expect(config.appId).toBe('org.watchfloor.wall');
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.linux.maintainer).toBeTruthy();
    expect(config.win.target).toBe('nsis');
    expect(config.linux.icon).toBe('build/icons');
    expect(config.win.icon).toBe('build/icons/512x512.png');
    expect(config.fileAssociations).toEqual([expect.objectContaining({ ext: 'wfcase', name: 'Watchfloor case' })]);
  });

  it('ships the bundles, with the ingest worker outside the archive, and the main entry from dist', () => {
    expect(config.files).toContain('dist/**');
    expect(config.asarUnpack).toContain('dist/workers/**');
    expect(config.extraMetadata.main).toBe('dist/main/electron.cjs');
    expect(config.afterPack).toBe('build/fuses.cjs');
    // one place flips fuses: electron-builder's own electronFuses would flip again after the hook
    expect(config.electronFuses).toBeUndefined();
  });
});

describe('the fuses hook', () => {
  const wanted = {
    RunAsNode: false,
    EnableCookieEncryption: true,
    EnableNodeOptionsEnvironmentVariable: false,
    EnableNodeCliInspectArguments: false,
    EnableEmbeddedAsarIntegrityValidation: true,
    OnlyLoadAppFromAsar: true,
    LoadBrowserProcessSpecificV8Snapshot: false,
    GrantFileProtocolExtraPrivileges: false,
  };

  it('flips exactly these fuses, through electron-builder\'s packager, for the packed binary', async () => {
    expect(hook.FUSES).toEqual(wanted);
    const flipped: { context: unknown; config: Record<string, unknown> }[] = [];
    const context = { electronPlatformName: 'linux', arch: 1, appOutDir: '/out/linux-unpacked', packager: { addElectronFuses: async (c: unknown, f: Record<string, unknown>) => void flipped.push({ context: c, config: f }) } };
    await hook(context, fuses);
    expect(flipped).toHaveLength(1);
    expect(flipped[0].context).toBe(context);
    const expected: Record<string, unknown> = { version: fuses.FuseVersion.V1, strictlyRequireAllFuses: false, resetAdHocDarwinSignature: false };
    for (const [name, value] of Object.entries(wanted)) expected[String(fuses.FuseV1Options[name])] = value;
    expect(flipped[0].config).toEqual(expected);
  });

  it('fails the build on a fuse @electron/fuses does not know, rather than skipping it', async () => {
    const older = { ...fuses, FuseV1Options: { ...fuses.FuseV1Options, GrantFileProtocolExtraPrivileges: undefined } };
    await expect(hook({ electronPlatformName: 'win32', arch: 1, packager: { addElectronFuses: async () => undefined } }, older)).rejects.toThrow(/GrantFileProtocolExtraPrivileges/);
  });
});
