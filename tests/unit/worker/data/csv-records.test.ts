// The record layer (papaparse's Parser for text without quotes, csv-quoted.ts for text with them; line breaks,
// physical lines, strict quotes, chunking) against a small character-by-character reference of the import rules
// (docs/DATA.md, rules 2 and 4), for random text and any chunking.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CsvImportError } from '../../../../src-worker/data/csv-errors'
import { LineBreaks, RecordReader, checkQuotes } from '../../../../src-worker/data/csv-records'

interface Rec {
  fields: string[]
  line: number
  endLine: number
  blank: boolean
}
interface Refusal {
  kind: 'bare' | 'after' | 'unclosed'
  line: number
  column: string
}
type Outcome = { records: Rec[]; refusal?: Refusal }

const colName = (k: number) => `c${k}`

/** The rules written out plainly: one state per character, no papaparse. */
function reference(raw: string, delim: string): Outcome {
  const s = raw.replace(/\r\n?/g, '\n')
  const records: Rec[] = []
  let i = 0
  let line = 1
  while (i < s.length) {
    const start = line
    const fields: string[] = []
    let quotedOnly = false
    for (;;) {
      const k = fields.length
      if (s[i] === '"') {
        const fieldLine = line
        let v = ''
        i++
        for (;;) {
          if (i >= s.length) return { records, refusal: { kind: 'unclosed', line: fieldLine, column: colName(k) } }
          if (s[i] === '"' && s[i + 1] === '"') {
            v += '"'
            i += 2
            continue
          }
          if (s[i] === '"') {
            i++
            break
          }
          if (s[i] === '\n') line++
          v += s[i++]
        }
        if (i < s.length && s[i] !== delim && s[i] !== '\n')
          return { records, refusal: { kind: 'after', line, column: colName(k) } }
        fields.push(v)
        quotedOnly = k === 0
      } else {
        let v = ''
        while (i < s.length && s[i] !== delim && s[i] !== '\n') {
          if (s[i] === '"') return { records, refusal: { kind: 'bare', line, column: colName(k) } }
          v += s[i++]
        }
        fields.push(v)
        if (k === 0) quotedOnly = false
      }
      if (i < s.length && s[i] === delim) {
        i++
        continue
      }
      break
    }
    records.push({
      fields,
      line: start,
      endLine: line,
      blank: fields.length === 1 && !quotedOnly && /^[ \t]*$/.test(fields[0]!)
    })
    if (i < s.length) {
      i++
      line++
    } // the line break that ends the record
  }
  return { records }
}

const KIND: [RegExp, Refusal['kind']][] = [
  [/quote inside an unquoted field/, 'bare'],
  [/text after the closing quote/, 'after'],
  [/quoted field is never closed/, 'unclosed']
]

/** What the reader gives for `raw` cut at `cuts` (line breaks normalised per chunk, as createCsvStream does). */
function read(raw: string, delim: string, cuts: number[]): Outcome {
  const records: Rec[] = []
  const breaks = new LineBreaks()
  const r = new RecordReader(
    delim,
    (fields, line, endLine, blank) => {
      records.push({ fields: fields.slice(), line, endLine, blank })
    },
    colName
  )
  try {
    let prev = 0
    for (const c of [...cuts].sort((a, b) => a - b)) {
      r.push(breaks.normalise(raw.slice(prev, c)), false)
      prev = c
    }
    r.push(breaks.normalise(raw.slice(prev)), false)
    r.push('', true)
    return { records }
  } catch (e) {
    if (!(e instanceof CsvImportError)) throw e
    const kind = KIND.find(([re]) => re.test(e.message))
    if (!kind) throw new Error(`unexpected refusal: ${e.message}`)
    expect(e.message.startsWith(`line ${e.line}, column "${e.column}": `)).toBe(true)
    return { records, refusal: { kind: kind[1], line: e.line, column: e.column! } }
  }
}

describe('records: papaparse Parser + our line, quote and chunk rules', () => {
  it('match the reference (fields, physical lines, blank lines, the first quote error) for any text and chunking', () => {
    const piece = fc.constantFrom('"', '""', ',', ';', '\t', '\n', '\r', '\r\n', 'a', '1', ' ', '\u00a0', 'é', '😀')
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 50 }),
        fc.constantFrom(',', ';', '\t'),
        fc.array(fc.nat(), { maxLength: 10 }),
        (parts, delim, rawCuts) => {
          const raw = parts.join('')
          const cuts = rawCuts.map((c) => c % (raw.length + 1))
          expect(read(raw, delim, cuts)).toEqual(reference(raw, delim))
        }
      ),
      { numRuns: Number(process.env.DATA_FUZZ_RUNS ?? 3000) }
    )
  })

  it('match the reference on longer files of mostly valid records read in many small chunks', () => {
    const cell = fc.oneof(
      fc.constantFrom('', '1.5', 'abc', ' x ', 'NA'),
      fc.array(fc.constantFrom('a', ',', '\n', '\r\n', '""', ' '), { maxLength: 12 }).map((a) => `"${a.join('')}"`),
      fc.constantFrom('"q" ', 'x"y', '"open')
    )
    const file = fc
      .array(fc.array(cell, { minLength: 1, maxLength: 4 }), { maxLength: 60 })
      .chain((rows) =>
        fc.tuple(
          fc.constant(rows),
          fc.array(fc.constantFrom('\n', '\r\n', '\r'), { minLength: rows.length, maxLength: rows.length })
        )
      )
      .map(([rows, eols]) => rows.map((r, k) => r.join(',') + eols[k]).join(''))
    fc.assert(
      fc.property(file, fc.integer({ min: 1, max: 40 }), (raw, step) => {
        const cuts = Array.from({ length: Math.floor(raw.length / step) }, (_, k) => (k + 1) * step)
        expect(read(raw, ',', cuts)).toEqual(reference(raw, ','))
      }),
      { numRuns: Number(process.env.DATA_FUZZ_RUNS ?? 500) }
    )
  })

  it('refuses what papaparse reads without a word: a bare quote, whitespace or text after a closing quote', () => {
    const refusal = (raw: string) => read(raw, ',', []).refusal
    expect(refusal('a,b\n1,5\'11"\n')).toEqual({ kind: 'bare', line: 2, column: 'c1' })
    expect(refusal('a,b\n"x" ,2\n')).toEqual({ kind: 'after', line: 2, column: 'c0' })
    expect(refusal('a,b\n1,"two\nlines"\u00a0\n')).toEqual({ kind: 'after', line: 3, column: 'c1' })
    expect(refusal('a,b\n"x"y,2\n')).toEqual({ kind: 'after', line: 2, column: 'c0' })
    expect(refusal('a,b\n1,"x\n2,3\n')).toEqual({ kind: 'unclosed', line: 2, column: 'c1' })
    // a tab after a closing quote is the delimiter in a tab-separated file
    expect(read('a\tb\n"x"\t"y"\n', '\t', [])).toEqual({
      records: [
        { fields: ['a', 'b'], line: 1, endLine: 1, blank: false },
        { fields: ['x', 'y'], line: 2, endLine: 2, blank: false }
      ]
    })
  })

  it('a long quoted value with "", line breaks and astral characters is read in windows as the reference reads it', () => {
    const piece = fc.constantFrom('a', '""', 'é', '😀', '\n', ',', '"')
    fc.assert(
      fc.property(
        fc.array(piece, { minLength: 60, maxLength: 3000 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (parts, cutSeeds) => {
          const raw = `a,b\n1,"${parts.join('')}"\n2,3\n`
          const cuts = [...new Set(cutSeeds.map((c) => c % raw.length))].sort((x, y) => x - y)
          expect(read(raw, ',', cuts)).toEqual(reference(raw, ','))
        }
      ),
      { numRuns: 150 }
    )
  })

  it('checkQuotes names the line of the offending quote inside a multi-line record', () => {
    let e: unknown
    try {
      checkQuotes('1,"a\nb\nc"d', ',', 7, colName, true)
    } catch (err) {
      e = err
    }
    expect(e).toBeInstanceOf(CsvImportError)
    expect((e as CsvImportError).message).toBe('line 9, column "c1": text after the closing quote: "\\"a\\nb\\nc\\"d"')
    expect(() => checkQuotes('1,"a""b', ',', 1, colName, false)).not.toThrow() // incomplete: the field may still close
  })

  it('reads a record longer than many chunks in linear time (the unfinished record is re-read only when the text doubles)', () => {
    const field = 'x'.repeat(4_000_000)
    const raw = `a,b\n1,"${field}"\n2,3\n`
    const t0 = performance.now()
    const out = read(
      raw,
      ',',
      Array.from({ length: Math.floor(raw.length / 1024) }, (_, k) => (k + 1) * 1024)
    )
    expect(performance.now() - t0).toBeLessThan(3000)
    expect(out.records.map((r) => r.line)).toEqual([1, 2, 3])
    expect(out.records[1]!.fields[1]).toHaveLength(4_000_000)
  })
})
