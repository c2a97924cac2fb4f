// Property-based and fuzz tests for the CSV import: chunk-size invariance, round trips, mutated files.
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import Papa from 'papaparse'
import { describe, expect, it } from 'vitest'
import {
  CsvImportError,
  createCsvStream,
  parseCsv,
  parseNumber,
  type ImportOptions,
  type ParsedTable
} from '../../../../src-worker/data/csv'

const enc = new TextEncoder()

/** Result or refusal message; any other exception fails the test. */
function outcome(run: () => ParsedTable): ParsedTable | string {
  try {
    return run()
  } catch (e) {
    if (e instanceof CsvImportError) return 'CsvImportError: ' + e.message
    throw e
  }
}

function streamAt(bytes: Uint8Array, cuts: number[], opts?: ImportOptions): ParsedTable {
  const s = createCsvStream(opts)
  let prev = 0
  for (const c of [...cuts].sort((a, b) => a - b)) {
    s.push(bytes.subarray(prev, Math.max(prev, c)))
    prev = Math.max(prev, c)
  }
  s.push(bytes.subarray(prev))
  return s.end()
}

const cellChars = fc.constantFrom(
  'a',
  'b',
  'Z',
  '1',
  '2',
  '.',
  '-',
  'e',
  ' ',
  ',',
  ';',
  '\t',
  '|',
  '"',
  '\n',
  '\r',
  '\r\n',
  'é',
  '€',
  '😀'
)
const rawCell = fc.array(cellChars, { maxLength: 8 }).map((a) => a.join(''))
const numberCell = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map((d) => String(d))
)
const anyCell = fc.oneof(rawCell, numberCell, fc.constantFrom('', 'NA', 'NaN', 'inf', '0x1F', '1e400', '3,14'))
const eol = fc.constantFrom('\n', '\r\n', '\r')

function quoteIfNeeded(cell: string, delim: string, force: boolean): string {
  if (force || /[",;\t|\r\n]/.test(cell) || cell === '' || cell.trim() !== cell)
    return '"' + cell.replace(/"/g, '""') + '"'
  return cell
}

/** A CSV text from a table of raw cells. */
const csvText = fc
  .record({
    cols: fc.integer({ min: 1, max: 4 }),
    rows: fc.integer({ min: 1, max: 25 }),
    delim: fc.constantFrom(',', ';', '\t', '|'),
    seed: fc.array(anyCell, { minLength: 100, maxLength: 100 }),
    eols: fc.array(eol, { minLength: 27, maxLength: 27 }),
    force: fc.boolean(),
    bom: fc.boolean(),
    finalEol: fc.boolean()
  })
  .map(({ cols, rows, delim, seed, eols, force, bom, finalEol }) => {
    const header = Array.from({ length: cols }, (_, c) => `col${c}`)
    const table = Array.from({ length: rows }, (_, r) =>
      Array.from({ length: cols }, (_, c) => seed[(r * cols + c) % seed.length]!)
    )
    let text = header.join(delim)
    table.forEach((row, r) => {
      text += eols[r]! + row.map((x) => quoteIfNeeded(x, delim, force)).join(delim)
    })
    if (finalEol) text += eols[26]!
    return {
      text,
      delim,
      header,
      table,
      force,
      bytes: bom ? new Uint8Array([0xef, 0xbb, 0xbf, ...enc.encode(text)]) : enc.encode(text)
    }
  })

describe('streaming import', () => {
  it('gives the same result (or the same refusal) for every chunking', () => {
    fc.assert(
      fc.property(csvText, fc.array(fc.nat(), { maxLength: 12 }), fc.boolean(), ({ bytes, delim }, rawCuts, sniff) => {
        const opts: ImportOptions = sniff ? {} : { delimiter: delim as ImportOptions['delimiter'] }
        const cuts = rawCuts.map((c) => c % (bytes.length + 1))
        const whole = outcome(() => parseCsv(bytes, opts))
        expect(outcome(() => streamAt(bytes, cuts, opts))).toEqual(whole)
      }),
      { numRuns: Number(process.env.DATA_FUZZ_RUNS ?? 300) }
    )
  })

  it('round-trips every cell as text, missing-value words too (quotes, delimiters, CR/LF/CRLF inside quotes become \\n)', () => {
    fc.assert(
      fc.property(csvText, ({ bytes, delim, header, table }) => {
        const opts: ImportOptions = {
          delimiter: delim as ImportOptions['delimiter'],
          typeOverrides: Object.fromEntries(header.map((h) => [h, 'text' as const]))
        }
        const t = parseCsv(bytes, opts)
        const norm = (c: string) => c.replace(/\r\n?/g, '\n').replace(/^[ \t]+|[ \t]+$/g, '')
        const expected = table.filter((row) => !(row.length === 1 && row[0] === '' && false))
        expect(t.rowCount).toBe(expected.length)
        for (let c = 0; c < header.length; c++) {
          expect(t.values[c]).toEqual(expected.map((row) => (norm(row[c]!) === '' ? null : norm(row[c]!))))
        }
      }),
      { numRuns: 200 }
    )
  })

  it('names exactly the k cells of a numeric column that are not numbers, and keeps the column numeric', () => {
    const badCell = fc.constantFrom('abc', '0x1F', '1e400', 'Infinity', '30px', '"1,5"', '--', '1 234', 'nan?')
    fc.assert(
      fc.property(fc.integer({ min: 20, max: 60 }), fc.array(fc.nat(), { maxLength: 10 }), badCell, (n, picks, bad) => {
        const badRows = [...new Set(picks.map((p) => p % n))].sort((a, b) => a - b)
        const rows = Array.from({ length: n }, (_, r) => (badRows.includes(r) ? bad : String(r * 0.5)))
        const t = parseCsv(enc.encode('v\n' + rows.join('\n') + '\n'))
        expect(t.columns[0]!.type).toBe('numeric')
        const named = t.warnings.filter((w) => w.startsWith('line ')).map((w) => Number(/^line (\d+)/.exec(w)![1]))
        expect(named).toEqual(badRows.map((r) => r + 2))
        expect(t.columns[0]!.invalid ?? 0).toBe(badRows.length)
        const v = t.values[0] as Float64Array
        for (let r = 0; r < n; r++) expect(Number.isNaN(v[r]!)).toBe(badRows.includes(r))
      }),
      { numRuns: 200 }
    )
  })

  it('is chunk-invariant on dense random text (quotes, delimiters, CR/LF, multi-byte)', () => {
    const ch = fc.constantFrom('"', ',', ';', '\n', '\r', 'a', '1', '.', ' ', 'é', '😀', 'NA')
    fc.assert(
      fc.property(
        fc.array(ch, { maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        fc.boolean(),
        (parts, rawCuts, dc) => {
          const bytes = enc.encode(parts.join(''))
          const opts: ImportOptions = dc ? { decimalComma: true } : {}
          const cuts = rawCuts.map((c) => c % (bytes.length + 1))
          expect(outcome(() => streamAt(bytes, cuts, opts))).toEqual(outcome(() => parseCsv(bytes, opts)))
        }
      ),
      { numRuns: Number(process.env.DATA_FUZZ_RUNS ?? 1000) }
    )
  })

  it('is chunk-invariant on files longer than the sniffing window (long lines, quotes, CRLF)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 500, max: 20000 }),
        fc.constantFrom(',', ';', '\t'),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.nat(),
        (cols, width, delim, rawCuts, seed) => {
          let x = seed
          const rnd = () => (x = (x * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff
          const cell = () =>
            rnd() < 0.3
              ? '"' + 'q,"";\r\n'.repeat(Math.ceil((rnd() * width) / 10)) + '"'
              : String(Math.round(rnd() * 1e6) / 100)
          const lines = [Array.from({ length: cols }, (_, k) => `c${k}`).join(delim)]
          let size = 0
          while (size < 150_000) {
            const l = Array.from({ length: cols }, cell).join(delim)
            size += l.length
            lines.push(l)
          }
          const bytes = enc.encode(lines.join(rnd() < 0.5 ? '\n' : '\r\n'))
          const cuts = rawCuts.map((c) => c % (bytes.length + 1))
          expect(outcome(() => streamAt(bytes, cuts))).toEqual(outcome(() => parseCsv(bytes)))
        }
      ),
      { numRuns: 15 }
    )
  })

  // The import reads records with papaparse's low-level Parser, fed our way (line breaks normalised to \n, text in
  // chunks with ignoreLastRow, the end of the file closing the last record).  This checks that wrapper against
  // papaparse's own one-shot Papa.parse of the original text with its original line break (CR, CRLF or LF).
  it('gives, in any chunking, the fields of one Papa.parse call on the original text (differential test)', () => {
    fc.assert(
      fc.property(
        csvText,
        eol,
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.boolean(),
        ({ header, table, delim, force }, e, rawCuts, finalEol) => {
          if (table.length > 20) table = table.slice(0, 20)
          const text =
            [
              header.join(delim),
              ...table.map((row) => row.map((x) => quoteIfNeeded(x, delim, force)).join(delim))
            ].join(e) + (finalEol ? e : '')
          const bytes = enc.encode(text)
          const opts: ImportOptions = {
            delimiter: delim as ImportOptions['delimiter'],
            typeOverrides: Object.fromEntries(header.map((h) => [h, 'text' as const]))
          }
          const ours = streamAt(
            bytes,
            rawCuts.map((c) => c % (bytes.length + 1)),
            opts
          )
          const papa = Papa.parse<string[]>(text, {
            delimiter: delim,
            newline: e as '\n' | '\r\n' | '\r',
            quoteChar: '"'
          })
          expect(papa.errors).toEqual([])
          // papaparse reads a final line break as one more, empty row
          const rows = papa.data.slice(1, finalEol ? -1 : undefined)
          expect(ours.rowCount).toBe(rows.length)
          expect(ours.preview).toEqual(rows.slice(0, 20).map((r) => r.map((c) => c.replace(/\r\n?/g, '\n'))))
        }
      ),
      { numRuns: Number(process.env.DATA_FUZZ_RUNS ?? 300) }
    )
  })

  it('reports progress and can be cancelled', () => {
    const text = 'a,b\n' + Array.from({ length: 1000 }, (_, k) => `${k},${k * 2}`).join('\n')
    const bytes = enc.encode(text)
    const seen: number[] = []
    const ac = new AbortController()
    const s = createCsvStream({ signal: ac.signal, onProgress: (p) => seen.push(p.bytes) })
    s.push(bytes.subarray(0, 100))
    s.push(bytes.subarray(100, 200))
    expect(seen).toEqual([100, 200])
    ac.abort()
    expect(() => s.push(bytes.subarray(200))).toThrow(expect.objectContaining({ name: 'AbortError' }))
  })
})

describe('strict number grammar', () => {
  it('accepts exactly what JavaScript prints for finite doubles', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (d) => {
        expect(parseNumber(String(d))).toBe(d === 0 ? 0 : d)
      })
    )
  })
  it('the fast path for short decimals equals Number()', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 999999999999999n }),
        fc.integer({ min: 0, max: 24 }),
        fc.boolean(),
        (m, frac, neg) => {
          let digits = m.toString().padStart(frac + 1, '0')
          if (frac > 0) digits = digits.slice(0, digits.length - frac) + '.' + digits.slice(digits.length - frac)
          const str = (neg ? '-' : '') + digits
          const want = Number(str)
          expect(parseNumber(str)).toBe(want === 0 ? 0 : want)
          expect(parseNumber(str.replace('.', ','), true)).toBe(want === 0 ? 0 : want)
        }
      ),
      { numRuns: 2000 }
    )
  })
  it('refuses hex, binary, underscores, Infinity, overflow and a comma without decimalComma', () => {
    for (const s of [
      '0x1F',
      '0b1',
      '1_000',
      'Infinity',
      '1e400',
      '-1e999',
      '3,14',
      '1.2.3',
      '',
      '.',
      'e5',
      '+',
      '1e',
      '１２'
    ]) {
      expect(parseNumber(s)).toBeNaN()
    }
    expect(parseNumber('3,14', true)).toBe(3.14)
    expect(parseNumber('3.14', true)).toBeNaN()
    expect(parseNumber(' -.5e-3 ')).toBe(-0.0005)
  })
})

describe('fuzz: mutated files', () => {
  const files = ['good', 'bad'].flatMap((d) =>
    readdirSync(join('tests/fixtures/csv', d)).map((f) => readFileSync(join('tests/fixtures/csv', d, f)))
  )
  const interesting = [
    0x22, 0x2c, 0x3b, 0x0d, 0x0a, 0x09, 0x7c, 0x00, 0xff, 0xc3, 0xa9, 0xef, 0xbb, 0xbf, 0xfe, 0x20, 0x30, 0x2e, 0x65
  ]
  const mutation = fc.record({
    kind: fc.constantFrom('insert', 'delete', 'replace', 'dup'),
    pos: fc.nat(),
    byte: fc.oneof(fc.constantFrom(...interesting), fc.integer({ min: 0, max: 255 })),
    len: fc.integer({ min: 1, max: 40 })
  })
  function mutate(src: Uint8Array, muts: { kind: string; pos: number; byte: number; len: number }[]): Uint8Array {
    const b = Array.from(src)
    for (const m of muts) {
      const p = b.length ? m.pos % (b.length + 1) : 0
      if (m.kind === 'insert') b.splice(p, 0, m.byte)
      else if (m.kind === 'delete') b.splice(p, m.len)
      else if (m.kind === 'replace') b[Math.min(p, Math.max(0, b.length - 1))] = m.byte
      else b.splice(p, 0, ...b.slice(p, p + m.len))
    }
    return new Uint8Array(b)
  }
  it('always gives a table or a CsvImportError, the same for every chunking, and never hangs', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: files.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 16 }),
        fc.constantFrom<ImportOptions>({}, { decimalComma: true }, { delimiter: ';' }, { typeOverrides: {} }),
        (fi, muts, rawCuts, opts) => {
          const bytes = mutate(files[fi]!, muts)
          const whole = outcome(() => parseCsv(bytes, opts))
          if (typeof whole === 'string') expect(whole).toMatch(/^CsvImportError: line \d+/)
          const cuts = rawCuts.map((c) => c % (bytes.length + 1))
          expect(outcome(() => streamAt(bytes, cuts, opts))).toEqual(whole)
        }
      ),
      { numRuns: Number(process.env.DATA_FUZZ_RUNS ?? 1500) }
    )
  })
})
