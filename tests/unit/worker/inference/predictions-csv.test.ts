// predictionsCsv: numbers as numbers, RFC 4180 quoting, and text that a spreadsheet would run as a formula escaped.
import { describe, expect, it } from 'vitest'
import { csvCell, predictionsCsv } from '../../../../src-worker/inference'
import { parseCsv } from '../../../../src-worker/data/csv'

describe('predictionsCsv', () => {
  it('escapes formula-looking text cells with a leading quote', () => {
    expect(csvCell('=1+2')).toBe("'=1+2")
    expect(csvCell('+41 22')).toBe("'+41 22")
    expect(csvCell('-3')).toBe("'-3") // text, not the number −3
    expect(csvCell('@SUM(A1:A9)')).toBe("'@SUM(A1:A9)")
    expect(csvCell('\tcmd')).toBe("'\tcmd")
    expect(csvCell('\r=x')).toBe('"\'\r=x"') // CR first: escaped, then quoted (it holds a line break)
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"')
    expect(csvCell('a=b')).toBe('a=b')
    expect(csvCell('plain')).toBe('plain')
  })

  it('leaves numbers as numbers (negative too) and writes missing values as empty cells', () => {
    expect(csvCell(-3)).toBe('-3')
    expect(csvCell(0.1 + 0.2)).toBe('0.30000000000000004')
    expect(csvCell(1e-7)).toBe('1e-7')
    expect(csvCell(NaN)).toBe('')
    expect(csvCell(Infinity)).toBe('')
    expect(csvCell(null)).toBe('')
    expect(csvCell(undefined)).toBe('')
    expect(csvCell(true)).toBe('true')
  })

  it('quotes commas, quotes and newlines, and the result parses back to the same cells', () => {
    const rows = [
      ['name', 'value', 'note'],
      ['a,b', -1.5, 'say "hi"'],
      ['line\nbreak', 2, '=cmd|calc'],
      ['x', null, ' padded ']
    ]
    const text = predictionsCsv(rows)
    expect(text).toBe('name,value,note\r\n"a,b",-1.5,"say ""hi"""\r\n"line\nbreak",2,\'=cmd|calc\r\nx,," padded "\r\n')
    const t = parseCsv(new TextEncoder().encode(text), { typeOverrides: { note: 'text', name: 'text' } })
    expect(t.columns.map((c) => c.name)).toEqual(['name', 'value', 'note'])
    expect(Array.from(t.values[1] as Float64Array)).toEqual([-1.5, 2, NaN])
    expect((t.values[0] as string[]).slice(0, 2)).toEqual(['a,b', 'line\nbreak'])
    expect((t.values[2] as string[]).slice(0, 2)).toEqual(['say "hi"', "'=cmd|calc"])
    expect(predictionsCsv([])).toBe('')
  })
})
