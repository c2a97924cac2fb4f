// receiveUpload writes browser mode's upload body to a temporary file: under a fixed name, whatever the upload is
// called (`..` once named the temporary folder's parent), and a write that fails (a full disk) is an error of the
// request, not an unhandled 'error' event that ends the server.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync } from 'node:fs'
import type { IncomingMessage } from 'node:http'
import { dirname, join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, describe, expect, it } from 'vitest'
import { receiveUpload } from '../../../../src-main/server/upload'
import { tempDir } from '../../../helpers/workbench'

const t = tempDir()
afterAll(() => t.cleanup())

const body = (...chunks: string[]) => Object.assign(Readable.from(chunks.map((c) => Buffer.from(c))), { headers: {} })

describe('receiveUpload', () => {
  it('writes under a fixed name in its own folder, whatever the upload is called', async () => {
    for (const name of ['..', '.', 'a/../../b', '\0']) {
      const file = await receiveUpload(body('a,b\n', '1,2\n') as unknown as IncomingMessage, name)
      try {
        expect(readFileSync(file.path, 'utf8'), name).toBe('a,b\n1,2\n')
        expect(file.path.endsWith('upload.csv'), name).toBe(true)
        expect(readdirSync(dirname(file.path)), name).toEqual(['upload.csv'])
      } finally {
        file.cleanup()
      }
    }
  })

  it('refuses a body the disk cannot hold with the error of the write, leaving no temporary folder', async () => {
    const full = join(t.dir, 'full-tmp')
    mkdirSync(full)
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=700', 'tmpfs', full], { stdio: 'pipe' })
    } catch (e) {
      console.log(`SKIP a full temporary folder: cannot mount a tmpfs here: ${(e as Error).message.split('\n')[0]}`)
      return
    }
    const tmp = process.env.TMPDIR
    process.env.TMPDIR = full
    try {
      const chunks = Array.from({ length: 64 }, () => 'x'.repeat(16 * 1024))
      await expect(receiveUpload(body(...chunks) as unknown as IncomingMessage, 'big.csv')).rejects.toMatchObject({
        code: 'ENOSPC'
      })
      expect(readdirSync(full)).toEqual([])
    } finally {
      if (tmp === undefined) delete process.env.TMPDIR
      else process.env.TMPDIR = tmp
      execFileSync('umount', ['-l', full])
    }
  })
})
