// Sequence builders: grouped rows, text tokens, one-to-one, many-to-many series, classification targets.
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseCsv } from '../../../../src-worker/data/csv'
import {
  buildGroupedSequences,
  buildOneToOne,
  buildSeriesWindows,
  randomSplit
} from '../../../../src-worker/data/sequences'
import { buildTextSequences } from '../../../../src-worker/data/text-sequences'
import { BOS, EOS, PAD, UNK, buildVocab, tokenize } from '../../../../src-worker/data/tokens'

const enc = (s: string) => new TextEncoder().encode(s)
const csv = (s: string) => parseCsv(enc(s))

describe('one long series', () => {
  const sea = parseCsv(readFileSync('resources/samples/seattle-weather.csv'))
  it('many-to-one classification of a categorical column lists the classes', () => {
    const d = buildSeriesWindows(sea, {
      mapping: 'many-to-one',
      targets: ['weather'],
      inputs: ['temp_max', 'precipitation'],
      window: 7
    })
    expect(d.task).toBe('classification')
    expect(d.classes).toEqual(['drizzle', 'fog', 'rain', 'snow', 'sun'])
    expect(d.shapes).toEqual({ x: [d.train.n, 7, 2], y: [d.train.n, 1] })
    expect(d.outputSize).toBe(5)
    // first training window: rows 0..6, label of row 7
    const col = sea.values[5] as string[]
    expect(d.classes![d.train.y[0]!]).toBe(col[7])
    expect(d.targetNorm.kind).toBe('none')
    expect(d.preview).toHaveLength(3)
  })
  it('aligned many-to-many: one target per step (next value by default, same row for classes)', () => {
    const t = csv('v,c\n' + Array.from({ length: 50 }, (_, k) => `${k},${k % 2 ? 'odd' : 'even'}`).join('\n'))
    const r = buildSeriesWindows(t, {
      mapping: 'many-to-many',
      targets: ['v'],
      inputs: [],
      window: 4,
      normalize: 'none'
    })
    expect(r.ty).toBe(4)
    expect(Array.from(r.train.x.subarray(0, 4))).toEqual([0, 1, 2, 3])
    expect(Array.from(r.train.y.subarray(0, 4))).toEqual([1, 2, 3, 4])
    const c = buildSeriesWindows(t, {
      mapping: 'many-to-many',
      targets: ['c'],
      inputs: ['v'],
      window: 4,
      normalize: 'none'
    })
    expect(c.shapes.y).toEqual([c.train.n, 4])
    expect(Array.from(c.train.y.subarray(4, 8))).toEqual([1, 0, 1, 0]) // window starting at row 1: odd even odd even
  })
  it('seq2seq multi-step forecast with several targets', () => {
    const d = buildSeriesWindows(sea, {
      mapping: 'seq2seq',
      targets: ['temp_max', 'temp_min'],
      inputs: [],
      window: 14,
      horizon: 3
    })
    expect(d.shapes.y).toEqual([d.train.n, 3, 2])
    expect(d.targetNorm.columns).toEqual(['temp_max', 'temp_min'])
  })
})

describe('grouped rows', () => {
  // interleaved ids, one unsorted sequence, variable lengths
  const g = csv('id,t,v,label\nA,1,1.0,x\nB,1,5,y\nA,3,3,x\nA,2,2,x\nB,2,6,y\nC,1,0,x\nC,2,0.5,x\nD,1,3,y\nE,5,1,y\n')
  it('one padded sequence per id, sorted by the order column, with lengths and a warning', () => {
    const d = buildGroupedSequences(
      g,
      { mapping: 'many-to-one', idColumn: 'id', orderColumn: 't', inputs: ['v'], target: 'label', normalize: 'none' },
      { valFraction: 0 }
    )
    expect(d.tx).toBe(3)
    expect(d.train.ids).toEqual(['A', 'B', 'C', 'D', 'E'])
    expect(Array.from(d.train.lengths!)).toEqual([3, 2, 2, 1, 1])
    expect(Array.from(d.train.x.subarray(0, 3))).toEqual([1, 2, 3])
    expect(Array.from(d.train.x.subarray(3, 6))).toEqual([5, 6, 0])
    expect(Array.from(d.train.y)).toEqual([0, 1, 0, 1, 1])
    expect(d.warnings).toEqual(['1 sequence was not in time order and was sorted by "t"'])
  })
  it('per-step tagging has a mask (n, ty)', () => {
    const d = buildGroupedSequences(
      g,
      { mapping: 'many-to-many', idColumn: 'id', orderColumn: 't', inputs: ['v'], target: 'label' },
      { valFraction: 0 }
    )
    expect(d.shapes).toEqual({ x: [5, 3, 1], y: [5, 3], mask: [5, 3] })
    expect(Array.from(d.train.mask!)).toEqual([1, 1, 1, 1, 1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 0])
  })
  it('refuses duplicate timestamps unless allowed', () => {
    const dup = csv('id,t,v,label\nA,1,1,x\nA,1,2,x\nB,1,1,y\n')
    expect(() =>
      buildGroupedSequences(dup, {
        mapping: 'many-to-one',
        idColumn: 'id',
        orderColumn: 't',
        inputs: ['v'],
        target: 'label'
      })
    ).toThrow(
      'line 3, column "t": sequence "A" has two rows at the same time (also line 2); remove one or allow duplicates'
    )
    const d = buildGroupedSequences(
      dup,
      { mapping: 'many-to-one', idColumn: 'id', orderColumn: 't', inputs: ['v'], target: 'label', duplicates: 'keep' },
      { valFraction: 0 }
    )
    expect(d.train.n).toBe(2)
  })
  it('orders by a datetime column and keeps the last maxLength steps', () => {
    const d = csv('id,when,v,y\nA,2024-01-03,3,1\nA,2024-01-01,1,1\nA,2024-01-02,2,1\nB,2024-01-01,9,2\n')
    const r = buildGroupedSequences(
      d,
      {
        mapping: 'many-to-one',
        idColumn: 'id',
        orderColumn: 'when',
        inputs: ['v'],
        target: 'y',
        normalize: 'none',
        maxLength: 2
      },
      { valFraction: 0 }
    )
    expect(r.task).toBe('regression')
    expect(Array.from(r.train.x.subarray(0, 2))).toEqual([2, 3])
  })
  it('splits randomly by sequence with a seed: no sequence in both splits, reproducible', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 30 }), fc.integer({ min: 0, max: 1000 }), (nSeq, seed) => {
        const rows = ['id,v,y']
        for (let s = 0; s < nSeq; s++)
          for (let k = 0; k <= s % 4; k++) rows.push(`s${s},${s * 10 + k},${s % 2 ? 'a' : 'b'}`)
        const t = csv(rows.join('\n'))
        const spec = { mapping: 'many-to-one' as const, idColumn: 'id', inputs: ['v'], target: 'y' }
        const a = buildGroupedSequences(t, spec, { valFraction: 0.3, seed })
        const b = buildGroupedSequences(t, spec, { valFraction: 0.3, seed })
        expect(a.val.ids).toEqual(b.val.ids)
        const tr = new Set(a.train.ids)
        for (const id of a.val.ids!) expect(tr.has(id)).toBe(false)
        expect(a.train.n + a.val.n).toBe(nSeq)
        // normalisation: mean of the training rows only
        const trainVals = t.rowLines
          ? Array.from(t.values[1] as Float64Array).filter((_, r) => tr.has((t.values[0] as string[])[r]!))
          : []
        expect(a.inputNorm.a[0]).toBeCloseTo(trainVals.reduce((x, y) => x + y, 0) / trainVals.length, 6)
      }),
      { numRuns: 100 }
    )
  })
  it('missing values inside sequences: ffill within the sequence, training mean, or drop the step', () => {
    const t = csv('id,v,y\nA,1,x\nA,,x\nA,3,x\nB,,y\nB,6,y\n')
    const spec = {
      mapping: 'many-to-many' as const,
      idColumn: 'id',
      inputs: ['v'],
      target: 'y',
      normalize: 'none' as const
    }
    const f = buildGroupedSequences(t, { ...spec, missing: 'ffill' }, { valFraction: 0 })
    expect(Array.from(f.train.x)).toEqual([1, 1, 3, 6, 6, 0])
    const m = buildGroupedSequences(t, { ...spec, missing: 'mean' }, { valFraction: 0 })
    expect(Array.from(m.train.x)).toEqual([1, 10 / 3, 3, 10 / 3, 6, 0].map(Math.fround))
    const d = buildGroupedSequences(t, { ...spec, missing: 'drop' }, { valFraction: 0 })
    expect(Array.from(d.train.lengths!)).toEqual([2, 1])
    expect(Array.from(d.train.x)).toEqual([1, 3, 6, 0])
    expect(Array.from(d.train.mask!)).toEqual([1, 1, 1, 0])
  })
  it('every sample holds the rows of one id in time order (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd'), fc.integer({ min: 0, max: 1000 })), {
          minLength: 4,
          maxLength: 40
        }),
        (rows) => {
          const seen = new Set<string>()
          const uniq = rows.filter(([id, tm]) => !seen.has(id + tm) && (seen.add(id + tm), true))
          const t = csv('id,t,v\n' + uniq.map(([id, tm]) => `${id},${tm},${tm}`).join('\n'))
          if (new Set(uniq.map((r) => r[0])).size < 2) return
          const d = buildGroupedSequences(
            t,
            { mapping: 'many-to-one', idColumn: 'id', orderColumn: 't', inputs: ['v'], target: 't', normalize: 'none' },
            { valFraction: 0 }
          )
          for (let k = 0; k < d.train.n; k++) {
            const id = d.train.ids![k]!
            const want = uniq
              .filter((r) => r[0] === id)
              .map((r) => r[1])
              .sort((x, y) => x - y)
            expect(Array.from(d.train.x.subarray(k * d.tx, k * d.tx + d.train.lengths![k]!))).toEqual(want)
            expect(d.train.y[k]).toBe(want.at(-1))
          }
        }
      ),
      { numRuns: 100 }
    )
  })
  it('handles a sequence with hundreds of thousands of rows', () => {
    const n = 300_000
    const t = csv(
      'id,v,y\n' + Array.from({ length: n }, (_, k) => `${k < n - 2 ? 'A' : 'B'},${k % 10},${k % 2}`).join('\n')
    )
    const d = buildGroupedSequences(
      t,
      { mapping: 'many-to-one', idColumn: 'id', inputs: ['v'], target: 'y', missing: 'mean', task: 'regression' },
      { valFraction: 0 }
    )
    expect(Array.from(d.train.lengths!)).toEqual([n - 2, 2])
  })
  it('refuses missing ids and missing values with their line', () => {
    expect(() =>
      buildGroupedSequences(csv('id,v,y\nA,1,x\n,2,y\nB,3,x\n'), {
        mapping: 'many-to-one',
        idColumn: 'id',
        inputs: ['v'],
        target: 'y'
      })
    ).toThrow('line 3, column "id": missing sequence id')
    expect(() =>
      buildGroupedSequences(csv('id,v,y\nA,1,x\nA,,y\nB,3,x\n'), {
        mapping: 'many-to-one',
        idColumn: 'id',
        inputs: ['v'],
        target: 'y'
      })
    ).toThrow(
      'line 3, column "v": missing value (1 cell without a value in the used columns); choose Missing values → Drop the row, Repeat the last value or Fill with the mean (--missing drop|ffill|mean)'
    )
  })
})

describe('text columns', () => {
  const t = csv(
    'name,lang,fr\nanna,de,annette\nbob,en,robert\ncarl,de,charles\ndora,en,dorothée\nemil,de,émile\nxavier,en,xavière\n'
  )
  it('tokenizes characters and words; the vocabulary starts with the special tokens', () => {
    expect(tokenize('a bc', 'char')).toEqual(['a', ' ', 'b', 'c'])
    expect(tokenize('  a  bc ', 'word')).toEqual(['a', 'bc'])
    expect(tokenize('😀é', 'char')).toEqual(['😀', 'é'])
    expect(buildVocab([['b', 'a', 'b']])).toEqual(['<pad>', '<unk>', '<bos>', '<eos>', 'b', 'a'])
    expect([PAD, UNK, BOS, EOS]).toEqual([0, 1, 2, 3])
  })
  it('text + label -> many-to-one, vocabulary from the training split only (unknown -> <unk>)', () => {
    const d = buildTextSequences(t, { kind: 'classify', text: 'name', target: 'lang' }, { valFraction: 0.34, seed: 3 })
    expect(d.inputEncoding).toBe('token-ids')
    expect(d.inputSize).toBe(d.inputVocab!.length)
    const trainText = Array.from(d.train.rows!, (r) => (t.values[0] as string[])[r]!).join('')
    for (const tok of d.inputVocab!.slice(4)) expect(trainText).toContain(tok)
    // every val char not in the training text is <unk>
    for (let k = 0; k < d.val.n; k++) {
      const name = (t.values[0] as string[])[d.val.rows![k]!]!
      Array.from(name).forEach((ch, i) => {
        const id = d.val.x[k * d.tx + i]!
        expect(id).toBe(trainText.includes(ch) ? d.inputVocab!.indexOf(ch) : UNK)
      })
    }
    expect(d.classes).toEqual(['de', 'en'])
    expect(d.preview[0]!.xText).toBe((t.values[0] as string[])[d.train.rows![0]!])
  })
  it('source + target text -> seq2seq with <eos>, mask and teacher-forcing input', () => {
    const d = buildTextSequences(t, { kind: 'translate', text: 'name', target: 'fr' }, { valFraction: 0 })
    expect(d.mapping).toBe('seq2seq')
    const k = 0 // anna -> annette
    const y = Array.from(d.train.y.subarray(0, d.ty))
    const word = Array.from('annette', (c) => d.targetVocab!.indexOf(c))
    expect(y.slice(0, 8)).toEqual([...word, EOS])
    expect(Array.from(d.train.yIn!.subarray(0, 8))).toEqual([BOS, ...word])
    expect(Array.from(d.train.mask!.subarray(0, d.ty)).reduce((a, b) => a + b)).toBe(8)
    expect(d.preview[k]!.yText).toBe('annette')
    expect(d.shapes).toEqual({ x: [6, d.tx], y: [6, d.ty], mask: [6, d.ty] })
  })
  it('one column of items -> one-to-many generation conditioned on a category', () => {
    const d = buildTextSequences(t, { kind: 'generate', text: 'name', condition: 'lang' }, { valFraction: 0 })
    expect(d.mapping).toBe('one-to-many')
    expect(d.conditions).toEqual(['de', 'en'])
    expect(Array.from(d.train.x.subarray(0, 2))).toEqual([1, 0])
    expect(d.ty).toBe('xavier'.length + 1)
    expect(d.preview[1]!.yText).toBe('bob')
    const plain = buildTextSequences(t, { kind: 'generate', text: 'name' }, { valFraction: 0 })
    expect(plain.inputSize).toBe(1)
  })
  it('refuses rows with a missing text unless told to drop them', () => {
    const m = csv('name,lang\nanna,de\n,en\ncarl,\ndora,en\nemil,de\n')
    expect(() => buildTextSequences(m, { kind: 'classify', text: 'name', target: 'lang' })).toThrow(
      'line 3, column "name": missing value; choose Missing values → Skip the row (--missing drop)'
    )
    const d = buildTextSequences(
      m,
      { kind: 'classify', text: 'name', target: 'lang', missing: 'drop' },
      { valFraction: 0 }
    )
    expect(d.train.n).toBe(3)
    expect(d.warnings).toEqual(['2 rows with a missing text or target skipped (lines 3, 4)'])
  })
  it('word tokens', () => {
    const w = csv('s,l\n"the cat sat",a\n"the dog ran",b\n"a cat ran",a\n')
    const d = buildTextSequences(w, { kind: 'classify', text: 's', target: 'l', tokens: 'word' }, { valFraction: 0 })
    expect(d.inputVocab!.slice(4, 7)).toEqual(['cat', 'ran', 'the'])
    expect(d.tx).toBe(3)
    expect(d.preview[0]!.xText).toBe('the cat sat')
  })
  it('cuts long texts to maxLength and says so', () => {
    const d = buildTextSequences(
      t,
      { kind: 'classify', text: 'name', target: 'lang', maxLength: 4 },
      { valFraction: 0 }
    )
    expect(d.tx).toBe(4)
    expect(d.warnings).toEqual(['1 text longer than 4 tokens cut'])
  })
})

describe('one-to-one', () => {
  it('each row an input vector and a target, random seeded split', () => {
    const t = csv('a,b,y\n' + Array.from({ length: 20 }, (_, k) => `${k},${k * 2},${k * 3}`).join('\n'))
    const d = buildOneToOne(
      t,
      { inputs: ['a', 'b'], targets: ['y'], normalize: 'none' },
      { valFraction: 0.25, seed: 7 }
    )
    expect(d.shapes).toEqual({ x: [15, 1, 2], y: [15, 1, 1] })
    expect(d.val.n).toBe(5)
    for (let k = 0; k < d.train.n; k++) expect(d.train.y[k]).toBe(d.train.x[k * 2]! * 3)
    expect(new Set([...d.train.rows!, ...d.val.rows!]).size).toBe(20)
  })
  it('missing-value policies: drop rows, training mean; mean cannot fill class labels', () => {
    const t = csv('a,y,c\n1,10,u\n,20,v\n3,,u\n4,40,\n5,50,v\n6,60,u\n')
    expect(() => buildOneToOne(t, { inputs: ['a'], targets: ['y'] })).toThrow('line 3, column "a": missing value')
    const d = buildOneToOne(
      t,
      { inputs: ['a'], targets: ['y'], missing: 'drop', normalize: 'none' },
      { valFraction: 0 }
    )
    expect(Array.from(d.train.rows!)).toEqual([0, 3, 4, 5])
    const m = buildOneToOne(
      t,
      { inputs: ['a'], targets: ['y'], missing: 'mean', normalize: 'none' },
      { valFraction: 0 }
    )
    expect(m.train.x[1]).toBeCloseTo((1 + 3 + 4 + 5 + 6) / 5)
    expect(() => buildOneToOne(t, { inputs: ['a'], targets: ['c'], missing: 'mean' })).toThrow(
      'target column "c" has missing labels: policy "mean" cannot fill class labels; use drop or ffill'
    )
  })
  it('classification target lists classes; y holds class ids', () => {
    const t = csv(
      'a,b,k\n' + Array.from({ length: 12 }, (_, i) => `${i},${i % 3},${['lo', 'mid', 'hi'][i % 3]}`).join('\n')
    )
    const d = buildOneToOne(t, { inputs: ['a', 'b'], targets: ['k'] }, { valFraction: 0 })
    expect(d.classes).toEqual(['hi', 'lo', 'mid'])
    expect(d.shapes).toEqual({ x: [12, 1, 2], y: [12, 1] })
    expect(Array.from(d.train.y.subarray(0, 3))).toEqual([1, 2, 0])
    expect(d.preview[0]!.y).toEqual([1])
  })
  it('randomSplit is seeded and disjoint', () => {
    const [a, b] = randomSplit(10, 0.3, 5)
    expect(randomSplit(10, 0.3, 5)).toEqual([a, b])
    expect(b).toHaveLength(3)
    expect(new Set([...a, ...b]).size).toBe(10)
  })
})
