// IPC: one handler per contract request; calls from anything but the main window's top frame on
// app://workbench are refused before reaching the service; errors come back as plain-data envelopes.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { EVENT_CHANNEL, REQUEST_NAMES, requestChannel } from '../../../../src-shared/channels'
import { checkSender, forwardEvents, registerRequestHandlers, type ServiceLike } from '../../../../src-main/shell/ipc'
import type { Envelope } from '../../../../src-main/shell/envelope'
import { EventBus } from '../../../../src-main/services/events'
import { FakeFrame, FakeIpcMain, FakeWebContents } from './fake-electron'
import { tempWorkbench } from './workbench-fixture'

function spyService(): ServiceLike & { call: ReturnType<typeof vi.fn> } {
  return { call: vi.fn(async (method: string) => ({ method })), bus: new EventBus() }
}

function setup(service: ServiceLike = spyService()) {
  const ipcMain = new FakeIpcMain()
  const main = new FakeWebContents('app://workbench/index.html')
  const logs: string[] = []
  const dispose = registerRequestHandlers({ ipcMain, service, mainContents: () => main, log: (m) => logs.push(m) })
  return { ipcMain, main, logs, dispose }
}

describe('request handlers', () => {
  it('registers exactly one ipcMain.handle per REQUEST_NAMES entry, and removes them', () => {
    const { ipcMain, dispose } = setup()
    expect([...ipcMain.handlers.keys()].sort()).toEqual(REQUEST_NAMES.map(requestChannel).sort())
    expect(ipcMain.handlers.size).toBe(REQUEST_NAMES.length)
    dispose()
    expect(ipcMain.handlers.size).toBe(0)
  })

  it('passes a call from the main frame to workbench.call(name, args)', async () => {
    const service = spyService()
    const { ipcMain, main } = setup(service)
    for (const name of REQUEST_NAMES) {
      const reply = await ipcMain.invoke(requestChannel(name), main, main.mainFrame, { x: 1 })
      expect(reply).toEqual({ ok: true, result: { method: name } })
      expect(service.call).toHaveBeenLastCalledWith(name, { x: 1 })
    }
  })

  it('refuses wrong senders without reaching the service', async () => {
    const service = spyService()
    const { ipcMain, main, logs } = setup(service)
    const channel = requestChannel('datasets.list')
    const other = new FakeWebContents('app://workbench/index.html')
    const cases: [string, FakeWebContents, FakeFrame | null][] = [
      ['another web contents on our origin', other, other.mainFrame],
      ['a subframe of the main window', main, new FakeFrame('app://workbench/index.html', main.mainFrame)],
      ['a cross-origin subframe', main, new FakeFrame('https://evil.example/', main.mainFrame)],
      ['a frame that is gone', main, null],
      ['another top frame object of the main window', main, new FakeFrame('app://workbench/index.html')]
    ]
    for (const [what, sender, frame] of cases) {
      const reply = (await ipcMain.invoke(channel, sender, frame, {})) as Envelope
      expect(reply.ok, what).toBe(false)
      if (!reply.ok) expect(reply.error.name, what).toBe('ForbiddenError')
    }
    // The main window's own frame, navigated away from app:// (should never happen: will-navigate blocks it).
    main.mainFrame.url = 'https://evil.example/'
    const reply = (await ipcMain.invoke(channel, main, main.mainFrame, {})) as Envelope
    expect(reply.ok).toBe(false)
    expect(service.call).not.toHaveBeenCalled()
    expect(logs.length).toBe(cases.length + 1)
  })

  it('refuses everything while there is no main window', async () => {
    const ipcMain = new FakeIpcMain()
    const service = spyService()
    registerRequestHandlers({ ipcMain, service, mainContents: () => null, log: () => {} })
    const wc = new FakeWebContents()
    const reply = (await ipcMain.invoke(requestChannel('app.info'), wc, wc.mainFrame)) as Envelope
    expect(reply.ok).toBe(false)
    expect(service.call).not.toHaveBeenCalled()
  })

  it('checkSender accepts the same frame seen through another wrapper (same process and routing id)', () => {
    const main = new FakeWebContents()
    const twin = Object.assign(Object.create(FakeFrame.prototype), main.mainFrame) as FakeFrame
    expect(checkSender({ sender: main, senderFrame: twin }, main)).toBeNull()
  })
})

describe('with a real Workbench', () => {
  let wb: ReturnType<typeof tempWorkbench>
  let ipcMain: FakeIpcMain
  let main: FakeWebContents
  beforeAll(() => {
    wb = tempWorkbench()
    ipcMain = new FakeIpcMain()
    main = new FakeWebContents()
    registerRequestHandlers({ ipcMain, service: wb.workbench, mainContents: () => main, log: () => {} })
    forwardEvents(wb.workbench, () => main)
  })
  afterAll(() => wb.dispose())

  it('returns a validation error naming the field, as plain data', async () => {
    const reply = (await ipcMain.invoke(requestChannel('datasets.get'), main, main.mainFrame, { id: -3 })) as Envelope
    expect(reply.ok).toBe(false)
    if (reply.ok) return
    expect(reply.error.name).toBe('ValidationError')
    expect(reply.error.message).toContain('id')
    expect(reply.error.issues?.[0]?.path).toBe('id')
    // Plain data: survives structured cloning, no Error instance.
    expect(structuredClone(reply)).toEqual(reply)
    expect(reply.error).not.toBeInstanceOf(Error)

    const extra = (await ipcMain.invoke(requestChannel('datasets.list'), main, main.mainFrame, {
      sneaky: true
    })) as Envelope
    expect(extra.ok).toBe(false)
    if (!extra.ok) expect(extra.error.name).toBe('ValidationError')
  })

  it('maps service errors to their names', async () => {
    const reply = (await ipcMain.invoke(requestChannel('datasets.get'), main, main.mainFrame, { id: 999 })) as Envelope
    expect(reply).toMatchObject({ ok: false, error: { name: 'NotFoundError' } })
  })

  it('runs a request and forwards the service events to the main window', async () => {
    const info = (await ipcMain.invoke(requestChannel('app.info'), main, main.mainFrame, {})) as Envelope<{
      mode: string
    }>
    expect(info).toMatchObject({ ok: true, result: { mode: 'electron', version: 'test' } })
    const imported = (await ipcMain.invoke(requestChannel('datasets.import'), main, main.mainFrame, {
      source: { kind: 'sample', sample: 'co2-monthly' }
    })) as Envelope<{ id: number; rows: number }>
    if (!imported.ok) throw new Error(imported.error.message)
    expect(imported.result.rows).toBeGreaterThan(100)
    const event = main.sent.find((s) => s.args[0] === 'datasets.changed')
    expect(event).toEqual({ channel: EVENT_CHANNEL, args: ['datasets.changed', { datasetId: imported.result.id }] })
  })

  it('does not send events to a destroyed window', () => {
    const gone = new FakeWebContents()
    gone.destroyed = true
    const bus = new EventBus()
    forwardEvents({ call: async () => null, bus }, () => gone)
    bus.emit('experiments.changed', {})
    expect(gone.sent).toEqual([])
  })
})
