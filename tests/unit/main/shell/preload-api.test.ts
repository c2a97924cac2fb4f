// The preload's window.workbench: exactly one function per request name plus on(); errors rethrown with
// their name and issues; events filtered by name; ipcRenderer itself never exposed.
import { describe, expect, it, vi } from 'vitest'
import { EVENT_CHANNEL, EVENT_NAMES, REQUEST_NAMES, requestChannel } from '../../../../src-shared/channels'
import { buildWorkbenchApi, exposeWorkbench } from '../../../../src-main/shell/preload-api'
import { registerRequestHandlers } from '../../../../src-main/shell/ipc'
import { EventBus } from '../../../../src-main/services/events'
import { ValidationError } from '../../../../src-shared/contract'
import { FakeIpcMain, FakeIpcRenderer } from './fake-electron'

const exposed = vi.hoisted(() => ({ key: '', api: null as unknown, ipc: null as unknown }))
vi.mock('electron', () => {
  const ipcRenderer = {
    invoke: async () => ({ ok: true, result: null }),
    on: () => ipcRenderer
  }
  exposed.ipc = ipcRenderer
  return {
    contextBridge: {
      exposeInMainWorld: (key: string, api: unknown) => {
        exposed.key = key
        exposed.api = api
      }
    },
    ipcRenderer
  }
})

function connected(call: (method: string, args: unknown) => Promise<unknown>) {
  const ipcMain = new FakeIpcMain()
  const ipc = new FakeIpcRenderer(ipcMain)
  registerRequestHandlers({
    ipcMain,
    service: { call, bus: new EventBus() } as never,
    mainContents: () => ipc.contents,
    log: () => {}
  })
  return { ipc, api: buildWorkbenchApi(ipc) }
}

describe('preload api', () => {
  it('has exactly one function per request name, plus download and on', () => {
    const api = buildWorkbenchApi(new FakeIpcRenderer(null)) as unknown as Record<string, unknown>
    expect(Object.keys(api).sort()).toEqual([...REQUEST_NAMES, 'download', 'on'].sort())
    for (const v of Object.values(api)) expect(typeof v).toBe('function')
    expect(Object.isFrozen(api)).toBe(true)
  })

  it('preload.ts exposes it as window.workbench and never hands out ipcRenderer', async () => {
    await import('../../../../src-main/preload')
    expect(exposed.key).toBe('workbench')
    const api = exposed.api as Record<string, unknown>
    expect(Object.keys(api).sort()).toEqual([...REQUEST_NAMES, 'download', 'on'].sort())
    for (const v of Object.values(api)) {
      expect(v).not.toBe(exposed.ipc)
      expect(typeof v).toBe('function')
    }
  })

  it('exposeWorkbench uses the contextBridge key "workbench"', () => {
    const keys: string[] = []
    exposeWorkbench(
      {
        exposeInMainWorld: (k) => {
          keys.push(k)
        }
      },
      new FakeIpcRenderer(null)
    )
    expect(keys).toEqual(['workbench'])
  })

  it('invokes the request channel with the args and returns the result', async () => {
    const call = vi.fn(async (method: string, args: unknown) => ({ method, args }))
    const { api } = connected(call)
    await expect(api['datasets.get']({ id: 4 })).resolves.toEqual({ method: 'datasets.get', args: { id: 4 } })
    expect(call).toHaveBeenCalledWith('datasets.get', { id: 4 })
    const invoke = vi.fn(async () => ({ ok: true, result: 1 }))
    const bare = buildWorkbenchApi({ invoke, on: () => {} })
    await bare['experiments.list']({})
    expect(invoke).toHaveBeenCalledWith(requestChannel('experiments.list'), {})
  })

  it('rethrows a failed call as an Error with the name, message and issues', async () => {
    const { api } = connected(async () => {
      throw new ValidationError('experiments.start: config.model.hiddenSize: Too big', [
        { path: 'config.model.hiddenSize', message: 'Too big' }
      ])
    })
    const err = (await api['experiments.list']({}).catch((e: unknown) => e)) as Error & { issues?: unknown }
    expect(err).toBeInstanceOf(Error)
    expect(err.name).toBe('ValidationError')
    expect(err.message).toContain('config.model.hiddenSize')
    expect(err.issues).toEqual([{ path: 'config.model.hiddenSize', message: 'Too big' }])
  })

  it('rejects a malformed reply', async () => {
    const api = buildWorkbenchApi({ invoke: async () => 'nope', on: () => {} })
    await expect(api['app.info']({})).rejects.toThrow(/malformed reply/)
  })

  it('on(event) delivers only that event, payload only, until unsubscribed', () => {
    const ipc = new FakeIpcRenderer(null)
    const api = buildWorkbenchApi(ipc)
    const got: unknown[] = []
    const off = api.on('datasets.changed', (p) => got.push(p))
    api.on('experiments.changed', () => got.push('wrong'))
    ipc.deliver(EVENT_CHANNEL, 'datasets.changed', { datasetId: 2 })
    expect(got).toEqual([{ datasetId: 2 }])
    off()
    ipc.deliver(EVENT_CHANNEL, 'datasets.changed', { datasetId: 3 })
    expect(got).toEqual([{ datasetId: 2 }])
    // One IPC listener however many subscriptions.
    expect(ipc.listeners.get(EVENT_CHANNEL)?.length).toBe(1)
  })

  it('a throwing callback does not stop the others', () => {
    const ipc = new FakeIpcRenderer(null)
    const api = buildWorkbenchApi(ipc)
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    const got: string[] = []
    api.on('app.command', () => {
      throw new Error('boom')
    })
    api.on('app.command', (p) => got.push(p.command))
    ipc.deliver(EVENT_CHANNEL, 'app.command', { command: 'import' })
    expect(got).toEqual(['import'])
    errors.mockRestore()
  })

  it('rejects unknown event names and non-function callbacks', () => {
    const api = buildWorkbenchApi(new FakeIpcRenderer(null)) as unknown as { on(e: unknown, cb: unknown): unknown }
    expect(() => api.on('ipc.raw', () => {})).toThrow(/unknown event "ipc.raw"/)
    expect(() => api.on('__proto__', () => {})).toThrow(/unknown event/)
    expect(() => api.on(EVENT_NAMES[0], 'x')).toThrow(/callback must be a function/)
  })
})
