// Rows at one time in the column that orders a series: refused naming both lines, or collapsed by the dataset's
// `duplicates` option (first, last, mean), also within groups; and through buildSequences, as training reads it.
import { describe, expect, it } from 'vitest'
import { parseCsv, type ImportOptions } from '../../../../src-worker/data/csv'
import { applyDuplicateTimes } from '../../../../src-worker/data/duplicate-times'
import { buildSequences } from '../../../../src-worker/tasks/build-data'
import { experimentConfig } from '../../../../src-shared/contract'

const csv = (opts?: ImportOptions) =>
  parseCsv(
    new TextEncoder().encode(
      'time,g,v,label\n2024-01-01,a,1,x\n2024-01-02,a,2,y\n2024-01-02,a,4,z\n2024-01-02,b,8,w\n2024-01-03,a,,v\n2024-01-03,a,6,u\n'
    ),
    opts
  )

describe('repeated times in the order column', () => {
  it('are refused by default, naming both lines and the control', () => {
    expect(() => applyDuplicateTimes(csv(), 'time', undefined)).toThrow(
      'line 4, column "time": "2024-01-02" repeats the time of line 3; choose Reading options → Duplicate times → Keep the first, Keep the last or Mean (--duplicates first|last|mean)'
    )
  })

  it('first, last and mean keep one row per time, in file order', () => {
    const first = applyDuplicateTimes(csv(), 'time', undefined, 'first')
    expect(Array.from(first.table.values[2] as Float64Array)).toEqual([1, 2, NaN])
    expect(Array.from(first.table.rowLines!)).toEqual([2, 3, 6])
    expect(first.warning).toBe('3 rows at a repeated time in "time": the first kept (lines 4, 5, 7)')
    const last = applyDuplicateTimes(csv(), 'time', undefined, 'last')
    expect(Array.from(last.table.values[2] as Float64Array)).toEqual([1, 8, 6])
    expect(last.table.values[3]).toEqual(['x', 'w', 'u'])
    const mean = applyDuplicateTimes(csv(), 'time', undefined, 'mean')
    // the missing cell at line 6 is left out of its time's mean; text keeps the first row's value
    expect(Array.from(mean.table.values[2] as Float64Array)).toEqual([1, 14 / 3, 6])
    expect(mean.table.values[3]).toEqual(['x', 'y', 'v'])
    expect(mean.table.rowCount).toBe(3)
  })

  it('within groups only rows of the same group repeat a time', () => {
    expect(() => applyDuplicateTimes(csv(), 'time', 'g')).toThrow(
      'line 4, column "time": "2024-01-02" repeats the time of line 3 (same g); choose'
    )
    const r = applyDuplicateTimes(csv(), 'time', 'g', 'mean')
    expect(Array.from(r.table.values[2] as Float64Array)).toEqual([1, 3, 8, 6])
  })

  it('training reads the stored option: refused without it, merged with it', () => {
    const config = experimentConfig.parse({
      target: 'v',
      orderBy: 'time',
      window: 1,
      valFraction: 0.5,
      missing: 'drop',
      model: { hiddenSize: 2 },
      optimizer: { lr: 0.01 },
      epochs: 1
    })
    const days = Array.from({ length: 20 }, (_, k) => `2024-01-${String(k + 1).padStart(2, '0')},${k}`)
    const series = (opts?: ImportOptions) =>
      parseCsv(new TextEncoder().encode(['time,v', ...days, days[9]!].join('\n')), opts)
    expect(() => buildSequences(series(), config)).toThrow(
      'line 22, column "time": "2024-01-10" repeats the time of line 11; choose'
    )
    const sd = buildSequences(series({ duplicates: 'mean' }), config)
    expect(sd.warnings[0]).toBe('1 row at a repeated time in "time": merged into their mean (line 22)')
  })
})
