// The renderer under Electron talks to window.workbench (the preload bridge), not to /api. This
// browser-mode spec installs a stand-in bridge of the same shape (WorkbenchApi: one function per
// request, on(event, cb)) before the page loads, and checks that the renderer uses it: requests go
// through it, and a dataset imported by the main process (File menu → native dialog) shows up when
// `datasets.changed` and `app.command {command:'import'}` arrive. Under Electron every spec already
// runs against the real bridge, so this one is for browser mode only.
import { REQUEST_NAMES, EVENT_NAMES } from '../../src-shared/channels'
import { expect, only, test } from './helpers/app'
import { shot } from './helpers/ui'

only('browser', "the stand-in preload bridge is built on browser mode's HTTP API; Electron specs use the real bridge")

test('with window.workbench present the renderer uses the bridge and follows main-side imports', async ({
  page,
  app
}) => {
  const token = new URL(app.url).searchParams.get('token')!
  const origin = new URL(app.url).origin

  await page.addInitScript(
    ({ requests, events }) => {
      const calls: string[] = []
      const listeners = new Map<string, Set<(p: unknown) => void>>()
      const emit = (name: string, payload: unknown) => {
        for (const cb of listeners.get(name) ?? []) cb(payload)
      }
      const token = new URLSearchParams(location.search).get('token') ?? ''
      void fetch('/api/events', { headers: { 'x-workbench-token': token } }).then(async (res) => {
        const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
        let buf = ''
        for (;;) {
          const { done, value } = await reader.read()
          if (done) return
          buf += value
          let end: number
          while ((end = buf.indexOf('\n\n')) !== -1) {
            const frame = buf.slice(0, end)
            buf = buf.slice(end + 2)
            const name = /^event: (.*)$/m.exec(frame)?.[1]
            const data = /^data: (.*)$/m.exec(frame)?.[1]
            if (name && data && (events as string[]).includes(name)) emit(name, JSON.parse(data))
          }
        }
      })
      const api: Record<string, unknown> = {}
      for (const name of requests) {
        api[name] = async (args: unknown) => {
          calls.push(name)
          const res = await fetch('/api/' + name, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-workbench-token': token },
            body: JSON.stringify(args ?? {})
          })
          const body = await res.json()
          if (!res.ok) throw new Error(body.error.message)
          return body.result
        }
      }
      api.on = (name: string, cb: (p: unknown) => void) => {
        let set = listeners.get(name)
        if (!set) listeners.set(name, (set = new Set()))
        set.add(cb)
        return () => set.delete(cb)
      }
      Object.assign(window, { workbench: Object.freeze(api), __bridgeCalls: calls, __emit: emit })
    },
    { requests: [...REQUEST_NAMES], events: [...EVENT_NAMES] }
  )

  await page.goto(app.url)
  await expect(page.getByTestId('data-empty')).toBeVisible()
  const calls = () => page.evaluate(() => (window as unknown as { __bridgeCalls: string[] }).__bridgeCalls)
  await expect.poll(calls).toContain('app.info')

  // The main process imports through its own dialog (here: an API call from outside the page) …
  const res = await fetch(`${origin}/api/datasets.import`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-workbench-token': token },
    body: JSON.stringify({ source: { kind: 'sample', sample: 'co2-monthly' } })
  })
  expect(res.status).toBe(200)
  // … and tells the window from its File menu.
  await page.evaluate(() =>
    (window as unknown as { __emit: (n: string, p: unknown) => void }).__emit('app.command', { command: 'import' })
  )
  await expect(page.getByTestId('dataset-name')).toHaveText('Mauna Loa CO2 (monthly)')
  expect(await calls()).toContain('datasets.get')
  await shot(page, '11-bridge-import')
})
