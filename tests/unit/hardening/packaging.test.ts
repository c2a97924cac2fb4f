// The packaging configuration, checked without building: electron-builder.json5's targets, files and
// asarUnpack (the Electron build of better-sqlite3 outside the asar), the afterPack hook's fuse values
// and binary paths (driven with a fake @electron/fuses), and the icons' files and sizes.
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '..', '..', '..')
const require = createRequire(import.meta.url)

/** JSON5 → value: the json5 package when it is installed, else a reader for the subset the file uses. */
async function readJson5(file: string): Promise<any> {
  const text = readFileSync(file, 'utf8')
  try {
    const mod: any = await import('json5')
    return (mod.default ?? mod).parse(text)
  } catch {
    let out = '',
      inString: string | null = null
    for (let i = 0; i < text.length; i++) {
      const c = text[i]
      if (inString) {
        out += c
        if (c === '\\') out += text[++i]
        else if (c === inString) inString = null
        continue
      }
      if (c === '"' || c === "'") {
        inString = c
        out += '"'
        continue
      }
      if (c === '/' && text[i + 1] === '/') {
        while (i < text.length && text[i] !== '\n') i++
        out += '\n'
        continue
      }
      out += c
    }
    out = out.replace(/([{,]\s*)([A-Za-z_$][\w$]*)\s*:/g, '$1"$2":').replace(/,(\s*[}\]])/g, '$1')
    return JSON.parse(out)
  }
}

/** A glob (**, *, {a,b}) as a RegExp, enough for electron-builder's file patterns. */
function globRe(glob: string): RegExp {
  return new RegExp(`^${globSource(glob)}$`)
}
function globSource(glob: string): string {
  let re = ''
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]
    if (c === '*' && glob[i + 1] === '*') {
      re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*'
      i += glob[i + 2] === '/' ? 2 : 1
    } else if (c === '*') re += '[^/]*'
    else if (c === '{') {
      const end = glob.indexOf('}', i)
      re += `(?:${glob
        .slice(i + 1, end)
        .split(',')
        .map(globSource)
        .join('|')})`
      i = end
    } else re += c.replace(/[.+^$()|[\]\\?]/g, '\\$&')
  }
  return re
}
const matches = (patterns: string[], path: string) => {
  let included = false
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (globRe(p.slice(1)).test(path)) included = false
    } else if (globRe(p).test(path)) included = true
  }
  return included
}

function pngSize(file: string): { width: number; height: number; rgba: boolean } {
  const b = readFileSync(file)
  expect(b.subarray(0, 8).toString('hex'), file).toBe('89504e470d0a1a0a')
  expect(b.subarray(12, 16).toString('latin1'), file).toBe('IHDR')
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20), rgba: b[25] === 6 }
}

const FUSES_REQUIRED = {
  RunAsNode: false,
  OnlyLoadAppFromAsar: true,
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  EnableEmbeddedAsarIntegrityValidation: true
}

describe('electron-builder.json5', () => {
  it('builds AppImage + deb, dmg and nsis, into dist/, with the app id and product name', async () => {
    const c = await readJson5(join(ROOT, 'electron-builder.json5'))
    expect(c.appId).toMatch(/^[a-z0-9.-]+$/)
    expect(c.productName).toBe('RNN Workbench')
    expect(c.directories.output).toBe('dist')
    expect(c.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']))
    expect(c.mac.target).toEqual(['dmg'])
    expect(c.win.target).toEqual(['nsis'])
  })

  it('packs the built app, the samples and the Electron build of better-sqlite3, and keeps sources out', async () => {
    const c = await readJson5(join(ROOT, 'electron-builder.json5'))
    expect(c.asar).toBe(true)
    for (const p of [
      'package.json',
      'out/main/index.js',
      'out/main/worker.js',
      'out/preload/index.cjs',
      'out/renderer/index.html',
      'out/renderer/assets/index-abc.js',
      'resources/samples/co2-monthly.csv',
      'native/electron/better_sqlite3.node',
      'native-kernels/build/Release/rnn_kernels.node'
    ]) {
      expect(matches(c.files, p), p).toBe(true)
    }
    for (const p of [
      'src-main/index.ts',
      'tests/unit/x.test.ts',
      'docs/SECURITY.md',
      'out/main/index.js.map',
      'native/node/better_sqlite3.node',
      'native-kernels/src/gemm.c',
      'native-kernels/build/Release/obj.target/rnn_kernels/src/gemm.o',
      '.env',
      'prof_tmp.ts'
    ]) {
      expect(matches(c.files, p), p).toBe(false)
    }
    // Native code outside the asar (app.asar.unpacked), where require/dlopen can load it.
    for (const p of [
      'native/electron/better_sqlite3.node',
      'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node',
      'native-kernels/build/Release/rnn_kernels.node'
    ]) {
      expect(matches(c.asarUnpack, p), p).toBe(true)
    }
    expect(matches(c.asarUnpack, 'out/renderer/index.html')).toBe(false)
    // The app loads native/electron/...; electron-builder must not try to rebuild better-sqlite3 (it would need network).
    expect(c.npmRebuild).toBe(false)
    // The path the shell looks for is the one packed and unpacked.
    const { ELECTRON_BINDING_REL } = await import('../../../src-main/shell/native-binding')
    expect(matches(c.files, ELECTRON_BINDING_REL.split('\\').join('/'))).toBe(true)
    expect(matches(c.asarUnpack, ELECTRON_BINDING_REL.split('\\').join('/'))).toBe(true)
  })

  it('uses the icons from resources/icons: an SVG source, 512 and 256 PNGs with alpha', async () => {
    const c = await readJson5(join(ROOT, 'electron-builder.json5'))
    expect(existsSync(join(ROOT, 'resources/icons/icon.svg'))).toBe(true)
    expect(readFileSync(join(ROOT, 'resources/icons/icon.svg'), 'utf8')).toMatch(/<svg[^>]+viewBox="0 0 512 512"/)
    const mac = pngSize(join(ROOT, c.mac.icon))
    expect(mac.width).toBeGreaterThanOrEqual(512) // electron-builder needs 512×512 for an .icns
    expect(mac.height).toBe(mac.width)
    const win = pngSize(join(ROOT, c.win.icon))
    expect(win.width).toBeGreaterThanOrEqual(256) // and 256×256 for an .ico
    expect(win.height).toBe(win.width)
    // Linux: a folder of NxN.png files, each really N×N.
    const dir = join(ROOT, c.linux.icon)
    const sized = readdirSync(dir).filter((f) => /^\d+x\d+\.png$/.test(f))
    expect(sized.sort()).toEqual(['256x256.png', '512x512.png'])
    for (const f of sized) {
      const [w, h] = f.replace('.png', '').split('x').map(Number)
      const s = pngSize(join(dir, f))
      expect([s.width, s.height], f).toEqual([w, h])
      expect(s.rgba, f).toBe(true)
    }
  })

  it("validates against electron-builder's own schema when electron-builder is installed", async (ctx) => {
    let validate: ((config: unknown, logger: unknown) => Promise<void>) | undefined
    try {
      validate = require('app-builder-lib/out/util/config/config').validateConfiguration
    } catch {
      console.log('skip: electron-builder is not installed (npm i -D electron-builder@26.17.0 enables this check)')
      ctx.skip()
      return
    }
    const c = await readJson5(join(ROOT, 'electron-builder.json5'))
    await validate!(c, { isDebugEnabled: false, add: () => {} })
  })
})

describe('build/afterPack.cjs (Electron fuses)', () => {
  const hook = require(join(ROOT, 'build/afterPack.cjs'))
  // A fake @electron/fuses: its enums, and flipFuses recording what it was asked.
  const fakeFuses = () => {
    const calls: { binary: string; config: Record<string, unknown> }[] = []
    const names = [
      'RunAsNode',
      'EnableCookieEncryption',
      'EnableNodeOptionsEnvironmentVariable',
      'EnableNodeCliInspectArguments',
      'EnableEmbeddedAsarIntegrityValidation',
      'OnlyLoadAppFromAsar',
      'LoadBrowserProcessSpecificV8Snapshot',
      'GrantFileProtocolExtraPrivileges'
    ]
    const FuseV1Options = Object.fromEntries(names.map((n, i) => [n, String(i)]))
    return {
      calls,
      mod: {
        FuseVersion: { V1: '1' },
        FuseV1Options,
        flipFuses: async (binary: string, config: Record<string, unknown>) => {
          calls.push({ binary, config })
        }
      },
      FuseV1Options
    }
  }
  const context = (platform: string, arch = 1) => ({
    appOutDir: '/tmp/out',
    electronPlatformName: platform,
    arch,
    packager: { appInfo: { productFilename: 'RNN Workbench' }, executableName: 'rnn-workbench' }
  })

  it('is the configured afterPack hook', async () => {
    const c = await readJson5(join(ROOT, 'electron-builder.json5'))
    expect(c.afterPack).toBe('build/afterPack.cjs')
    expect(typeof hook).toBe('function')
  })

  it('turns runAsNode, NODE_OPTIONS and --inspect off, asar-only loading and asar integrity on', () => {
    expect(hook.FUSES).toMatchObject(FUSES_REQUIRED)
    expect(hook.FUSES.GrantFileProtocolExtraPrivileges).toBe(false)
  })

  it("flips exactly those fuses on each platform's packaged binary", async () => {
    for (const [platform, binary, arch, adHoc] of [
      ['linux', '/tmp/out/rnn-workbench', 1, false],
      ['win32', '/tmp/out/RNN Workbench.exe', 1, false],
      ['darwin', '/tmp/out/RNN Workbench.app', 1, false],
      ['darwin', '/tmp/out/RNN Workbench.app', 3, true]
    ] as const) {
      const f = fakeFuses()
      const log = console.log
      console.log = () => {}
      try {
        await hook(context(platform, arch), async () => f.mod)
      } finally {
        console.log = log
      }
      expect(f.calls, platform).toHaveLength(1)
      expect(f.calls[0].binary.replaceAll('\\', '/'), platform).toBe(binary)
      const cfg = f.calls[0].config
      expect(cfg.version).toBe('1')
      for (const [name, value] of Object.entries(FUSES_REQUIRED))
        expect(cfg[f.FuseV1Options[name]], `${platform} ${name}`).toBe(value)
      expect(cfg.resetAdHocDarwinSignature === true, `${platform} arch ${arch}`).toBe(adHoc)
    }
  })

  it('fails the build when @electron/fuses is missing or lacks a fuse, instead of shipping default fuses', async () => {
    await expect(
      hook(context('linux'), async () => {
        throw new Error('Cannot find module')
      })
    ).rejects.toThrow(/@electron\/fuses is not installed/)
    const f = fakeFuses()
    delete (f.mod.FuseV1Options as Record<string, string>).OnlyLoadAppFromAsar
    await expect(hook(context('linux'), async () => f.mod)).rejects.toThrow(/no fuse OnlyLoadAppFromAsar/)
  })

  it('works with the real @electron/fuses enums when it is installed', async (ctx) => {
    let real: any
    try {
      real = await import('@electron/fuses' as string)
    } catch {
      console.log('skip: @electron/fuses is not installed (npm i -D @electron/fuses@2.1.3 enables this check)')
      ctx.skip()
      return
    }
    const fuses = real.flipFuses ? real : real.default
    const cfg = hook.fuseConfig(fuses)
    expect(cfg[fuses.FuseV1Options.RunAsNode]).toBe(false)
    expect(cfg[fuses.FuseV1Options.OnlyLoadAppFromAsar]).toBe(true)
  })
})
