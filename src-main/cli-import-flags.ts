// The CLI flags that say how a CSV is read (`import`, `train --csv`, `preview --csv`, `predict`): each is a control
// on the Data screen too, and they become the dataset's stored import options.
import { typeChoice, type DatasetImportOptions } from '../src-shared/contract'
import { UsageError } from './cli-config'

export const importFlags = {
  'decimal-comma': { type: 'boolean' },
  'no-decimal-comma': { type: 'boolean' },
  'no-header': { type: 'boolean' },
  'missing-words': { type: 'string' },
  types: { type: 'string' },
  'date-order': { type: 'string' },
  duplicates: { type: 'string' }
} as const

export const IMPORT_USAGE = `  reading the CSV (import, train --csv, preview --csv, predict):
        --decimal-comma | --no-decimal-comma (default: detected when unambiguous, e.g. ";" files with 3,5)
        --no-header (the first row is data; columns are named column_1, column_2, …)
        --missing-words W1,W2,… (words that mean "no value" in numeric and datetime columns;
              default NA,N/A,n/a,na,NaN,nan,NAN,null,NULL,Null,#N/A,#NA; an empty cell is always missing)
        --types COL=TYPE,… (numeric, categorical, text, datetime or id instead of the inferred type;
              ignore leaves the column out)
        --date-order dmy|mdy|ymd (dates like 03/04/2024: day first, month first, or only year-first dates;
              default: decided by a cell with a number over 12, refused when the cells show both orders)
        --duplicates refuse|first|last|mean (rows at one time in the --order-by column: refused (default),
              or keep the first, the last, or one row with the mean of their numeric values)`

export type ImportFlagValues = {
  'decimal-comma'?: boolean
  'no-decimal-comma'?: boolean
  'no-header'?: boolean
  'missing-words'?: string
  types?: string
  'date-order'?: string
  duplicates?: string
}

/** `--types a=numeric,b=text` → { a: 'numeric', b: 'text' } */
function parseTypes(v: string): NonNullable<DatasetImportOptions['types']> {
  const types: NonNullable<DatasetImportOptions['types']> = {}
  for (const part of v.split(',')) {
    const eq = part.lastIndexOf('=')
    const col = part.slice(0, eq).trim()
    const type = typeChoice.safeParse(part.slice(eq + 1).trim())
    if (eq <= 0 || col === '' || !type.success)
      throw new UsageError(`--types: "${part}" is not COLUMN=TYPE with TYPE one of ${typeChoice.options.join(', ')}`)
    types[col] = type.data
  }
  return types
}

function oneOf<T extends string>(flag: string, v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v))
    throw new UsageError(`${flag}: "${v}" is not one of ${allowed.join(', ')}`)
  return v as T
}

export function importOptionsFromFlags(v: ImportFlagValues): DatasetImportOptions {
  if (v['decimal-comma'] && v['no-decimal-comma'])
    throw new UsageError('give at most one of --decimal-comma and --no-decimal-comma')
  const o: DatasetImportOptions = {}
  if (v['decimal-comma']) o.decimalComma = true
  if (v['no-decimal-comma']) o.decimalComma = false
  if (v['no-header']) o.header = false
  if (v['missing-words'] !== undefined)
    o.missingWords = v['missing-words']
      .split(',')
      .map((w) => w.trim())
      .filter((w) => w !== '')
  if (v.types !== undefined) o.types = parseTypes(v.types)
  if (v['date-order'] !== undefined)
    o.dateOrder = oneOf('--date-order', v['date-order'], ['dmy', 'mdy', 'ymd'] as const)
  if (v.duplicates !== undefined)
    o.duplicates = oneOf('--duplicates', v.duplicates, ['refuse', 'first', 'last', 'mean'] as const)
  return o
}
