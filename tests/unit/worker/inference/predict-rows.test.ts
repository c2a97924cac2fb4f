// One-to-one models on a new CSV: each row's input vector normalised with the stored statistics, its prediction
// inverse-normalised and equal to the engine's; the target optional; the missing-value policy applied as trained.
import { describe, expect, it } from 'vitest'
import { predictTable, predictionTableCsv } from '../../../../src-worker/inference/predict-table'
import { column, csvTable, enginePredict, trainOn, uniform } from './predict-train'

function rowsCsv(withTarget = true, n = 80): string {
  const u = uniform(21)
  const lines = [withTarget ? 'x1,x2,note,y' : 'x1,x2,note']
  for (let r = 0; r < n; r++) {
    const x1 = +(u() * 10).toFixed(2),
      x2 = +(u() * 3 - 1).toFixed(2)
    const note = r % 7 === 0 ? '@cmd' : 'ok'
    lines.push(withTarget ? `${x1},${x2},${note},${(2 * x1 - 5 * x2 + 40).toFixed(2)}` : `${x1},${x2},${note}`)
  }
  return lines.join('\n') + '\n'
}

describe('predict: one-to-one regression (one row per row)', () => {
  const tr = trainOn(rowsCsv(), { mapping: 'one-to-one', inputs: ['x1', 'x2'], target: 'y' }, 4)
  const { model, seqs } = tr
  const [ta, tb] = [seqs.targetNorm.a[0]!, seqs.targetNorm.b[0]!]

  it('equals the engine on every row, inverse-normalised, with the true value and the error', () => {
    const p = predictTable(model, tr.table)
    expect(p.header).toEqual(['line', 'predicted_y', 'actual_y', 'error'])
    expect(p.rows).toHaveLength(80)
    const y = tr.table.values[3] as Float64Array
    for (const split of [seqs.train, seqs.val]) {
      const out = enginePredict(model, split).output
      split.rows!.forEach((r, k) => {
        const pred = out[k]! * tb + ta
        expect(p.rows[r]).toEqual([r + 2, pred, y[r], pred - y[r]!])
      })
    }
    expect(p.score!.count).toBe(80)
    expect(p.score!.mae).toBeCloseTo((column(p, 'error') as number[]).reduce((s, e) => s + Math.abs(e), 0) / 80, 12)
    // a regression target is written as a number (predictions CSV numbers stay numbers)
    expect(predictionTableCsv(p).split('\r\n')[1]).toBe(`2,${p.rows[0]![1]},${y[0]},${p.rows[0]![3]}`)
  })

  it('the target column is optional', () => {
    const a = predictTable(model, tr.table),
      b = predictTable(model, csvTable(rowsCsv(false)))
    expect(b.header).toEqual(['line', 'predicted_y'])
    expect(b.rows).toEqual(a.rows.map((r) => r.slice(0, 2)))
    expect(b.score).toBeNull()
  })

  it('names a missing input, a mistyped target and a cell that is not a number', () => {
    expect(() => predictTable(model, csvTable('x1,y\n1,2\n'))).toThrow(
      'the CSV does not fit the model: no input column "x2" (the file\'s columns: "x1", "y")'
    )
    expect(() => predictTable(model, csvTable('x1,x2,y\n1,2,a lot\n3,4,few\n'))).toThrow(
      'line 2, column "y": "a lot" is not a number (the model reads "y" as a numeric target)'
    )
    try {
      predictTable(model, csvTable('x1,x2\n1,2\n3,four\n'))
      expect.unreachable()
    } catch (e) {
      expect(e).toMatchObject({ name: 'InputError', line: 3, column: 'x2' })
    }
    expect(() => predictTable(model, csvTable('x1,x2\n1,2\n3,\n'))).toThrow(/^line 3, column "x2": missing value/)
  })

  it('a model trained with missing: ffill refuses a gap in a row, saying rows have nothing to fill from', () => {
    const ffillTr = trainOn(
      rowsCsv(),
      { mapping: 'one-to-one', inputs: ['x1', 'x2'], target: 'y', missing: 'ffill' },
      1
    )
    expect(() => predictTable(ffillTr.model, csvTable('x1,x2\n1,2\n3,\n'))).toThrow(
      'line 3, column "x2": missing value (1 missing in the model\'s input columns; the model was trained with the missing-value policy "ffill", which rows read as "report": a row has no previous row of its own to fill from)'
    )
  })

  it('a model trained with missing: drop skips rows with a missing input and says so', () => {
    const dropTr = trainOn(rowsCsv(), { mapping: 'one-to-one', inputs: ['x1', 'x2'], target: 'y', missing: 'drop' }, 1)
    const p = predictTable(dropTr.model, csvTable('x1,x2\n1,2\n,1\n3,0.5\n'))
    expect(column(p, 'line')).toEqual([2, 4])
    expect(p.warnings).toEqual(['1 row with a missing input value skipped (missing-value policy "drop")'])
  })

  it('a model trained with missing: mean fills a missing input with the stored training mean', () => {
    const meanTr = trainOn(rowsCsv(), { mapping: 'one-to-one', inputs: ['x1', 'x2'], target: 'y', missing: 'mean' }, 1)
    const n = meanTr.seqs.inputNorm
    const p = predictTable(meanTr.model, csvTable('x1,x2\n,0.5\n'))
    const x = Float32Array.of(0, (0.5 - n.a[1]!) / n.b[1]!) // the mean normalises to 0
    const out = enginePredict(meanTr.model, { n: 1, x, y: new Float32Array(0) }).output
    expect(p.rows).toEqual([[2, out[0]! * meanTr.seqs.targetNorm.b[0]! + meanTr.seqs.targetNorm.a[0]!]])
  })
})

describe('predict: one-to-one classification', () => {
  const csv =
    'a,b,kind\n' +
    Array.from({ length: 40 }, (_, r) => `${r % 5},${(r * 7) % 3},${r % 5 > 1 ? 'big' : 'small'}`).join('\n') +
    '\n'
  const tr = trainOn(csv, { mapping: 'one-to-one', inputs: ['a', 'b'], target: 'kind' })

  it('writes the class, the probabilities, the true class and correctness', () => {
    const p = predictTable(tr.model, tr.table)
    expect(p.header).toEqual(['line', 'predicted_kind', 'p_big', 'p_small', 'actual_kind', 'correct'])
    for (const split of [tr.seqs.train, tr.seqs.val]) {
      const y = enginePredict(tr.model, split)
      split.rows!.forEach((r, k) => {
        expect(p.rows[r]).toEqual([
          r + 2,
          tr.seqs.classes![y.classes![k]!],
          y.output[k * 2],
          y.output[k * 2 + 1],
          tr.seqs.classes![split.y[k]!],
          tr.seqs.classes![y.classes![k]!] === tr.seqs.classes![split.y[k]!]
        ])
      })
    }
  })
})
