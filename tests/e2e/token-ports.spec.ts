// The browser-mode token stays on its own port. A second program listens on another 127.0.0.1 port and
// records every request it gets; the user's Chromium has the app open. Nothing it receives carries the
// token (cookies are scoped by host, not port, so the token is never a cookie). That program's page cannot
// lock the user out with a tossed `wb_token` cookie, a reload keeps working, a page without the token says
// to open the printed address, and two browser-mode servers work side by side in one browser.
import { createServer, type IncomingHttpHeaders, type Server as HttpServer } from 'node:http'
import { expect, only, test } from './helpers/app'
import { callApi } from './helpers/seed'
import { freshDataDir, startServer } from './helpers/server'

only('browser', 'the access token and its cookie-free transport are browser mode only')

/** Another local program: answers every request with a small page and keeps what it received. */
async function otherListener(): Promise<{ port: number; seen: IncomingHttpHeaders[]; close(): Promise<void> }> {
  const seen: IncomingHttpHeaders[] = []
  const server: HttpServer = createServer((req, res) => {
    seen.push({ ...req.headers, 'x-url': req.url })
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>other</title><img src="/pixel">')
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  return {
    port: (server.address() as { port: number }).port,
    seen,
    close: () => new Promise<void>((r) => server.close(() => r()))
  }
}

test('the token never reaches another port, a tossed cookie cannot lock the user out, reload works', async ({
  page,
  app
}) => {
  const token = new URL(app.url).searchParams.get('token')!
  const other = await otherListener()
  try {
    // the user works in the app: calls, the event stream
    await callApi(page, 'datasets.import', { source: { kind: 'sample', sample: 'co2-monthly' } })
    await expect(page.getByTestId('dataset-name')).toHaveText('Mauna Loa CO2 (monthly)')

    // the other program's page, opened in the same browser, requests its own port (page, image, fetches)
    const evil = await page.context().newPage()
    await evil.goto(`http://127.0.0.1:${other.port}/`)
    await evil.evaluate(() => fetch('/steal', { credentials: 'include' }).then((r) => r.text()))
    // … tosses a cookie for every port of 127.0.0.1 …
    await evil.evaluate(() => {
      document.cookie = 'wb_token=tossed; path=/api'
      document.cookie = 'wb_token=tossed; path=/'
    })
    // … and tries our API with whatever the browser attaches
    const status = await evil.evaluate(
      (target) =>
        fetch(`${target}/api/datasets.list`, { method: 'POST', credentials: 'include', body: '{}' }).then(
          (r) => `read ${r.status}`,
          (e: Error) => `blocked ${e.name}`
        ),
      new URL(app.url).origin
    )
    expect(status).toMatch(/^blocked/)
    await evil.reload()
    expect(other.seen.length).toBeGreaterThanOrEqual(4)
    for (const headers of other.seen) expect(JSON.stringify(headers)).not.toContain(token)
    await evil.close()

    // the app still works after the tossed cookie, and after a reload
    await page.reload()
    await expect(page.getByTestId('app-mode')).toContainText('Browser mode')
    await expect(page.getByTestId('connection-lost')).toHaveCount(0)
    const list = await callApi<{ id: number }[]>(page, 'datasets.list')
    expect(list.length).toBe(1)

    // opened without the token, the page says plainly what to do
    await page.goto(new URL(app.url).origin + '/')
    await expect(page.getByTestId('fatal-error')).toContainText('open the address the server printed')
  } finally {
    await other.close()
  }
})

test('two browser-mode servers work side by side in one browser', async ({ page, app }) => {
  const data = freshDataDir()
  const second = await startServer(data.dir)
  try {
    const page2 = await page.context().newPage()
    await page2.goto(second.url)
    await expect(page2.getByTestId('app-mode')).toContainText('Browser mode')
    await callApi(page2, 'datasets.import', { source: { kind: 'sample', sample: 'co2-monthly' } })
    await page.reload()
    expect(await callApi<unknown[]>(page, 'datasets.list')).toEqual([])
    expect((await callApi<unknown[]>(page2, 'datasets.list')).length).toBe(1)
    expect(new URL(second.url).port).not.toBe(new URL(app.url).port)
    await page2.close()
  } finally {
    await second.stop()
    data.remove()
  }
})
