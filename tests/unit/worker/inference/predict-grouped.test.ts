// Grouped sequences on a new CSV: the inputs are built exactly as training built them (same grouping, order,
// normalisation and padding), so every prediction equals the engine's on the builder's samples; the target is
// optional; missing columns and bad cells are named.
import { describe, expect, it } from 'vitest'
import { predictTable, predictionTableCsv } from '../../../../src-worker/inference/predict-table'
import { column, csvTable, enginePredict, trainOn, uniform } from './predict-train'

// 24 sequences of 3–7 steps; rows of one sequence written newest first for every third id (sorted by t)
function groupedCsv(withTarget = true): string {
  const u = uniform(11)
  const lines = [`id,t,a,b${withTarget ? ',label,tag' : ''}`]
  for (let s = 0; s < 24; s++) {
    const len = 3 + (s % 5),
      rows: string[] = []
    const bias = s % 2 ? 0.6 : -0.6
    let sum = 0
    const steps = Array.from({ length: len }, (_, t) => {
      const a = +(bias + (u() - 0.5)).toFixed(3),
        b = +(u() * 4).toFixed(3)
      sum += a
      return { t: t + 1, a, b }
    })
    for (const st of steps) {
      rows.push(
        `s${s},${st.t},${st.a},${st.b}${withTarget ? `,${sum > 0 ? 'up' : 'down'},${st.a > 0 ? 'hi' : 'lo'}` : ''}`
      )
    }
    if (s % 3 === 0) rows.reverse()
    lines.push(...rows)
  }
  return lines.join('\n') + '\n'
}

describe('predict: grouped many-to-one classification (one row per sequence)', () => {
  const tr = trainOn(groupedCsv(), {
    mapping: 'many-to-one',
    groupBy: 'id',
    orderBy: 't',
    inputs: ['a', 'b'],
    target: 'label'
  })
  const { model, seqs } = tr

  it('equals the engine on the training and validation sequences, with the true label and correctness', () => {
    const p = predictTable(model, tr.table)
    expect(p.header).toEqual([
      'id',
      'steps',
      'first_line',
      'last_line',
      'predicted_label',
      'p_down',
      'p_up',
      'actual_label',
      'correct'
    ])
    expect(p.rows).toHaveLength(24)
    const ids = column(p, 'id')
    let checked = 0
    for (const split of [seqs.train, seqs.val]) {
      const y = enginePredict(model, split)
      split.ids!.forEach((id, k) => {
        const row = p.rows[ids.indexOf(id)]!
        expect(row[5]).toBe(y.output[k * 2])
        expect(row[6]).toBe(y.output[k * 2 + 1])
        expect(row[4]).toBe(seqs.classes![y.classes![k]!])
        expect(row[7]).toBe(seqs.classes![split.y[k]!]) // the last row's label, as in training
        expect(row[8]).toBe(row[4] === row[7])
        expect(row[1]).toBe(split.lengths![k])
        checked++
      })
    }
    expect(checked).toBe(24)
    expect(p.score).toMatchObject({ target: 'label', count: 24 })
    expect(p.score!.accuracy).toBe(column(p, 'correct').filter((c) => c === true).length / 24)
    expect(p.warnings.join(' ')).toMatch(/8 sequences were not in time order and were sorted by "t"/)
  })

  it('needs no target column: the same predictions without actual and correct', () => {
    const withT = predictTable(model, tr.table)
    const p = predictTable(model, csvTable(groupedCsv(false)))
    expect(p.header).toEqual(['id', 'steps', 'first_line', 'last_line', 'predicted_label', 'p_down', 'p_up'])
    expect(p.rows).toEqual(withT.rows.map((r) => r.slice(0, 7)))
    expect(p.score).toBeNull()
  })

  it('a true label the model never saw counts as wrong, and says so', () => {
    const unseen = groupedCsv().replace(/,(up|down),(hi|lo)$/gm, (m, label: string, tag: string, at: number) =>
      at < 200 ? `,sideways,${tag}` : m
    )
    const p = predictTable(model, csvTable(unseen))
    const sideways = p.rows.filter((r) => r[7] === 'sideways')
    expect(sideways.length).toBeGreaterThan(0)
    expect(sideways.every((r) => r[8] === false)).toBe(true)
    expect(p.warnings).toContain(
      `${sideways.length} row${sideways.length === 1 ? ' has a' : 's have a'} "label" the model never saw in training (first: "sideways"); ${sideways.length === 1 ? 'it counts' : 'they count'} as wrong`
    )
    expect(predictTable(model, tr.table).warnings.join(' ')).not.toMatch(/never saw/)
  })

  it('a longer sequence keeps its last steps, like maxLength in training', () => {
    const long = 'id,t,a,b\n' + Array.from({ length: 12 }, (_, t) => `z,${t},${(t % 3) - 1},${t % 4}`).join('\n') + '\n'
    const p = predictTable(model, csvTable(long))
    expect(p.rows[0]!.slice(0, 4)).toEqual(['z', model.data.tx, 2 + 12 - model.data.tx, 13])
    expect(p.warnings).toContain(
      `1 sequence is longer than the model's ${model.data.tx} steps and keeps its last ${model.data.tx} rows`
    )
  })

  it('names a missing column with the columns the file has, and a cell that is not a number by line and column', () => {
    const noB = groupedCsv().replace(/^id,t,a,b,/, 'id,t,a,c,')
    expect(() => predictTable(model, csvTable(noB))).toThrow(
      'the CSV does not fit the model: no input column "b" (the file\'s columns: "id", "t", "a", "c", "label", "tag")'
    )
    try {
      predictTable(model, csvTable('id,t,a,b\ns1,1,0.5,1\ns1,2,high,2\ns2,1,low,3\n'))
      expect.unreachable()
    } catch (e) {
      expect(e).toMatchObject({
        name: 'InputError',
        message: 'line 3, column "a": "high" is not a number (the model reads "a" as a numeric input)',
        line: 3,
        column: 'a'
      })
    }
    expect(() => predictTable(model, csvTable('id,t,a,b\ns1,1,0.5,1\ns1,2,,2\n'))).toThrow(
      /^line 3, column "a": missing value/
    )
  })
})

describe('predict: grouped many-to-many aligned tagging (one row per step)', () => {
  const tr = trainOn(groupedCsv(), {
    mapping: 'many-to-many',
    groupBy: 'id',
    orderBy: 't',
    inputs: ['a', 'b'],
    target: 'tag'
  })
  const { model, seqs } = tr

  it('equals the engine at every real step, in time order, with the order value and line of each row', () => {
    const p = predictTable(model, tr.table)
    expect(p.header).toEqual(['id', 'step', 't', 'line', 'predicted_tag', 'p_hi', 'p_lo', 'actual_tag', 'correct'])
    expect(p.rows).toHaveLength(tr.table.rowCount)
    const key = (r: unknown[]) => `${r[0]}#${r[1]}`
    const byKey = new Map(p.rows.map((r) => [key(r), r]))
    const tx = model.data.tx
    let steps = 0
    for (const split of [seqs.train, seqs.val]) {
      const y = enginePredict(model, split)
      split.ids!.forEach((id, k) => {
        for (let t = 0; t < split.lengths![k]!; t++) {
          const row = byKey.get(`${id}#${t + 1}`)!
          expect(row[2]).toBe(t + 1) // sorted by t
          expect([row[5], row[6]]).toEqual([y.output[(k * tx + t) * 2], y.output[(k * tx + t) * 2 + 1]])
          expect(row[4]).toBe(seqs.classes![y.classes![k * tx + t]!])
          expect(row[7]).toBe(seqs.classes![split.y[k * tx + t]!])
          steps++
        }
      })
    }
    expect(steps).toBe(tr.table.rowCount)
    // line numbers point at the file's rows: s0 was written newest first, so its step 1 is its last line
    const s0 = p.rows.filter((r) => r[0] === 's0')
    expect(s0.map((r) => r[3])).toEqual([4, 3, 2])
    const text = predictionTableCsv(p)
    expect(text.split('\r\n')[0]).toBe('id,step,t,line,predicted_tag,p_hi,p_lo,actual_tag,correct')
  })

  it('without the target column: the same per-step predictions', () => {
    const a = predictTable(model, tr.table),
      b = predictTable(model, csvTable(groupedCsv(false)))
    expect(b.header).toEqual(['id', 'step', 't', 'line', 'predicted_tag', 'p_hi', 'p_lo'])
    expect(b.rows).toEqual(a.rows.map((r) => r.slice(0, 7)))
  })
})
