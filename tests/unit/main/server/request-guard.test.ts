// Which Host and Origin headers browser mode takes as its own: the loopback names with its port, and on port 80 also
// without it, as browsers send them there.
import type { IncomingMessage } from 'node:http'
import { describe, expect, it } from 'vitest'
import { allowedHosts, foreignOrigin } from '../../../../src-main/server/request-guard'

const withOrigin = (origin: string) => ({ headers: { origin } }) as unknown as IncomingMessage

describe('request guard', () => {
  it('answers to the loopback names with the port, and without it on port 80', () => {
    expect([...allowedHosts(8080)]).toEqual(['127.0.0.1:8080', 'localhost:8080', '[::1]:8080'])
    for (const host of ['127.0.0.1', 'localhost', '[::1]', '127.0.0.1:80'])
      expect(allowedHosts(80).has(host)).toBe(true)
    for (const host of ['127.0.0.1', 'evil.example', '127.0.0.1:80']) expect(allowedHosts(8080).has(host)).toBe(false)
  })

  it('takes an Origin without the port as its own on port 80 only', () => {
    expect(foreignOrigin(withOrigin('http://127.0.0.1'), 80)).toBe(false)
    expect(foreignOrigin(withOrigin('http://127.0.0.1'), 8080)).toBe(true)
    expect(foreignOrigin(withOrigin('http://evil.example'), 80)).toBe(true)
    expect(foreignOrigin(withOrigin('https://127.0.0.1'), 80)).toBe(true)
  })
})
