// How the CLI reads a CSV: --no-header, --decimal-comma, --missing-words and --types on import (stored with the
// dataset and used again when it is read for a preview), and the size limit on inputs that report no size (a FIFO,
// an endless stream).
import { afterEach, describe, expect, it } from 'vitest'
import { execFileSync, spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { EXIT } from '../../../../src-main/cli'
import { boundedFile } from '../../../../src-main/services/bounded-input'
import { tempDir } from '../../../helpers/workbench'
import { cli } from '../../../helpers/cli'

const cleanups: (() => void)[] = []
afterEach(() => {
  while (cleanups.length) cleanups.pop()!()
})

function dir(): string {
  const t = tempDir()
  cleanups.push(t.cleanup)
  return t.dir
}
const series = (n: number, f: (k: number) => string) => Array.from({ length: n }, (_, k) => f(k)).join('\n') + '\n'

describe('reading flags', () => {
  it('--no-header names the columns; a first row of numbers without it exits 2', async () => {
    const d = dir()
    const f = join(d, 'data.csv')
    writeFileSync(
      f,
      series(30, (k) => `${k},${(k * 0.5).toFixed(1)}`)
    )
    const refused = await cli(['import', f, '--data-dir', d, '--json'])
    expect(refused.code).toBe(EXIT.input)
    expect(refused.err).toContain('line 1: the first row looks like data, not a header; use --no-header')
    const r = await cli(['import', f, '--no-header', '--data-dir', d, '--json'])
    expect(r.code).toBe(EXIT.ok)
    expect(JSON.parse(r.out)).toMatchObject({
      rows: 30,
      columns: [
        { name: 'column_1', type: 'numeric' },
        { name: 'column_2', type: 'numeric' }
      ]
    })
    // the stored options read the file again the same way
    const p = await cli([
      'preview',
      '--dataset',
      '1',
      '--target',
      'column_2',
      '--window',
      '4',
      '--data-dir',
      d,
      '--json'
    ])
    expect(p.code).toBe(EXIT.ok)
    expect(JSON.parse(p.out).train).toBeGreaterThan(0)
  })

  it('--decimal-comma, --missing-words and --types; warnings go to stderr without --json', async () => {
    const d = dir()
    const f = join(d, 'eu.csv')
    writeFileSync(f, 'zip;temp;note\n' + series(20, (k) => `0${1000 + k};${k},${k % 10};${k === 3 ? '?' : 'ok'}`))
    const r = await cli([
      'import',
      f,
      '--decimal-comma',
      '--missing-words',
      '?,-',
      '--types',
      'zip=categorical',
      '--data-dir',
      d
    ])
    expect(r.code).toBe(EXIT.ok)
    expect(r.out).toContain('  zip: categorical\n  temp: numeric\n  note: categorical\n')
    expect(r.err).toBe('')
    const bad = await cli(['import', f, '--types', 'zip=number', '--data-dir', d])
    expect(bad.code).toBe(EXIT.usage)
    expect(bad.err).toContain('--types: "zip=number" is not COLUMN=TYPE with TYPE one of numeric, categorical, text')
    const g = join(d, 'odd.csv')
    writeFileSync(g, 'v\n' + series(10, (k) => (k === 4 ? 'abc' : String(k))))
    const named = await cli(['import', g, '--data-dir', d])
    expect(named.code).toBe(EXIT.ok)
    expect(named.err).toBe('warning: line 6, column "v": "abc" is not a number\n')
    // train --csv and preview --csv import the file too and say so on stderr
    const p = await cli(['preview', '--csv', g, '--target', 'v', '--window', '1', '--missing', 'drop', '--data-dir', d])
    expect(p.code, p.err).toBe(EXIT.ok)
    expect(p.err).toContain('warning: line 6, column "v": "abc" is not a number\n')
  })

  it('--date-order and --duplicates are stored with the dataset and read again by preview', async () => {
    const d = dir()
    const f = join(d, 'days.csv')
    // every date is ambiguous (no number over 12), and 05/01/2024 repeats
    writeFileSync(
      f,
      'day,v\n' + series(12, (k) => `${String(k + 1).padStart(2, '0')}/01/2024,${k}`) + '05/01/2024,40\n'
    )
    const flags = ['--data-dir', d, '--json']
    const refused = await cli(['import', f, '--date-order', 'ydm', ...flags])
    expect(refused.code).toBe(EXIT.usage)
    expect(refused.err).toContain('--date-order: "ydm" is not one of dmy, mdy, ymd')
    const r = await cli(['import', f, '--date-order', 'dmy', '--duplicates', 'mean', ...flags])
    expect(r.code).toBe(EXIT.ok)
    // read day first: 05/01/2024 is one day in January, repeated at line 14
    expect(JSON.parse(r.out).warnings).toEqual(['line 14, column "day": "05/01/2024" repeats the time of line 6'])
    const args = ['preview', '--dataset', '1', '--target', 'v', '--order-by', 'day', '--window', '2', ...flags]
    const p = await cli(args)
    expect(p.code, p.err).toBe(EXIT.ok)
    expect(JSON.parse(p.out).warnings).toContain('1 row at a repeated time in "day": merged into their mean (line 14)')
  })
})

describe('inputs without a size', () => {
  it('a FIFO is read up to the limit and refused past it', async () => {
    const d = dir()
    const fifo = join(d, 'endless.csv')
    execFileSync('mkfifo', [fifo])
    const writer = spawn('sh', ['-c', `yes 1,2 > "${fifo}"`], { stdio: 'ignore' })
    cleanups.push(() => writer.kill())
    await expect(boundedFile(fifo, 1 << 20)).rejects.toThrow(
      '"endless.csv" is more than 1,048,576 bytes; the limit is 1,048,576 bytes (1 MiB): split the file or keep fewer rows'
    )
    const small = join(d, 'small.csv')
    execFileSync('mkfifo', [small])
    const w2 = spawn('sh', ['-c', `printf 'a,b\\n1,2\\n' > "${small}"`], { stdio: 'ignore' })
    cleanups.push(() => w2.kill())
    const r = await cli(['import', small, '--data-dir', d, '--json'])
    expect(r.code).toBe(EXIT.ok)
    expect(JSON.parse(r.out).rows).toBe(1)
  })

  it('an endless stream through import is refused at the limit in force (RNN_WORKBENCH_MAX_IMPORT_BYTES)', async () => {
    const d = dir()
    const fifo = join(d, 'zeros.csv')
    execFileSync('mkfifo', [fifo])
    // one process that never ends by itself: the FIFO closing (or the kill below) stops it
    const writer = spawn('sh', ['-c', `exec tr '\\0' 1 < /dev/zero > "${fifo}"`], { stdio: 'ignore' })
    cleanups.push(() => writer.kill())
    process.env.RNN_WORKBENCH_MAX_IMPORT_BYTES = String(1 << 20)
    cleanups.push(() => delete process.env.RNN_WORKBENCH_MAX_IMPORT_BYTES)
    const r = await cli(['import', fifo, '--data-dir', d, '--json'])
    expect(r.code).toBe(EXIT.input)
    expect(r.err).toContain(
      '"zeros.csv" is more than 1,048,576 bytes; the limit is 1,048,576 bytes (1 MiB): split the file or keep fewer rows'
    )
    // a model file for predict is held to the same limit before it is read, and a folder is named as one
    const model = join(d, 'model.json')
    writeFileSync(model, '['.repeat(2 << 20))
    const csv = join(d, 'new.csv')
    writeFileSync(csv, 'a\n1\n')
    const p = await cli(['predict', model, '--csv', csv, '--out', join(d, 'p.csv'), '--data-dir', d])
    expect(p.code).toBe(EXIT.input)
    expect(p.err).toContain('"model.json" is 2,097,152 bytes; the limit is 1,048,576 bytes (1 MiB)')
    const folder = await cli(['predict', d, '--csv', csv, '--out', join(d, 'p.csv'), '--data-dir', d])
    expect(folder.code).toBe(EXIT.input)
    expect(folder.err).toContain(`"${d}" is a folder, not a model file`)
  })
})
