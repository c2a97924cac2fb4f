// The built preload (out/preload/index.cjs) runs the way a sandboxed preload does: CommonJS, with a
// `require` that knows only 'electron' (Electron's sandbox also allows events/timers/url, unused here).
// Run after `npm run build` (npm test builds first); skipped, saying so, when the bundle is absent.
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { REQUEST_NAMES } from '../../../../src-shared/channels'

const BUNDLE = resolve('out/preload/index.cjs')
const built = existsSync(BUNDLE)
if (!built) console.log('SKIP preload bundle test: out/preload/index.cjs is missing (run `npm run build`)')

describe.skipIf(!built)('built preload bundle', () => {
  it('requires only electron and exposes window.workbench in a sandbox-like context', () => {
    const code = readFileSync(BUNDLE, 'utf8')
    const required: string[] = []
    let exposed: { key: string; api: Record<string, unknown> } | null = null
    const electron = {
      contextBridge: {
        exposeInMainWorld: (key: string, api: Record<string, unknown>) => {
          exposed = { key, api }
        }
      },
      ipcRenderer: { invoke: async () => ({ ok: true, result: null }), on: () => {} }
    }
    const sandboxRequire = (id: string) => {
      required.push(id)
      if (id === 'electron') return electron
      throw new Error(`a sandboxed preload cannot require "${id}"`)
    }
    const module = { exports: {} }
    runInNewContext(code, { require: sandboxRequire, module, exports: module.exports, console })
    expect(required).toEqual(['electron'])
    expect(exposed!.key).toBe('workbench')
    expect(Object.keys(exposed!.api).sort()).toEqual([...REQUEST_NAMES, 'download', 'on'].sort())
    expect(code).not.toMatch(/\bzod\b/)
  })
})
