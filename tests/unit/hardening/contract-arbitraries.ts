// fast-check arbitraries of INVALID payloads for every contract request, each case carrying what the
// validation error must name: the mutated field's path (or, for an unknown key, the key), plus a small
// share of well-formed payloads whose ids do not exist (answered not-found, never a write).
// Used by contract-fuzz.test.ts through both shells (browser-mode HTTP and Electron IPC).
import fc from 'fast-check'
import { REQUEST_NAMES } from '../../../src-shared/channels'
import { z } from 'zod'
import { requests, type RequestName } from '../../../src-shared/contract'

/** What a field accepts, enough to generate values it must refuse. */
type Kind =
  | { t: 'int'; min: number; max: number }
  | { t: 'num'; min?: number; max?: number; exclusiveMin?: boolean }
  | { t: 'str'; min: number; max?: number; trim?: boolean; pattern?: string }
  | { t: 'enum'; values: string[] }
  | { t: 'bool' }
  | { t: 'arr'; of: Kind | null; min: number; max?: number; valid: unknown }
  | { t: 'obj'; keys: string[] }
  /** a union of objects (datasets.import's source): anything that is not an object is refused */
  | { t: 'union' }

interface Field {
  path: string[]
  kind: Kind
  required: boolean
}

export interface FuzzCase {
  method: RequestName
  payload: unknown
  /** 'validation': must be a ValidationError naming `path` (or `key`); 'missing': NotFound/Input naming the id. */
  expect: 'validation' | 'missing'
  /** Description of the mutation, for the figures and failure messages. */
  mutation: string
  /** The mutated field(s) (dotted); '' for the payload itself. */
  paths: string[]
  /** For unknown keys: the key the message must quote. */
  key?: string
}

export const MISSING_ID = 9_000_001
/** Base payloads: valid, but aimed at ids that do not exist, so an accidentally valid case cannot write. */
const ID: Kind = { t: 'int', min: 1, max: Number.MAX_SAFE_INTEGER }
const NAME: Kind = { t: 'str', min: 1, max: 200, trim: true }
const COLUMN: Kind = { t: 'str', min: 1, max: 500 }

const CONFIG_KEYS = [
  'mapping',
  'source',
  'task',
  'target',
  'inputs',
  'window',
  'horizon',
  'stride',
  'gap',
  'groupBy',
  'orderBy',
  'text',
  'condition',
  'tokens',
  'sourceTokens',
  'targetTokens',
  'difference',
  'seasonalDifference',
  'maxLength',
  'normalize',
  'missing',
  'valFraction',
  'model',
  'optimizer',
  'schedule',
  'epochs',
  'batchSize',
  'seed',
  'clipNorm',
  'tbptt',
  'earlyStopping',
  'nanPolicy',
  'precision',
  'init'
]
const MODEL_KEYS = ['cell', 'hiddenSize', 'numLayers', 'dropout', 'bidirectional']
const OPTIMIZER_KEYS = ['kind', 'lr', 'weightDecay', 'momentum']
const SCHEDULE_KEYS = ['kind', 'stepSize', 'gamma', 'patience', 'factor']

function configFields(prefix: string[], required: boolean): Field[] {
  const f = (path: string, kind: Kind, req = false): Field => ({
    path: [...prefix, ...path.split('.')],
    kind,
    required: req
  })
  return [
    { path: prefix, kind: { t: 'obj', keys: CONFIG_KEYS }, required },
    f('mapping', { t: 'enum', values: ['one-to-one', 'one-to-many', 'many-to-one', 'many-to-many', 'seq2seq'] }),
    f('source', { t: 'enum', values: ['series', 'grouped', 'text', 'rows'] }),
    f('task', { t: 'enum', values: ['regression', 'classification', 'generation'] }),
    f('target', COLUMN, true),
    f('inputs', { t: 'arr', of: COLUMN, min: 0, max: 256, valid: 'CO2' }),
    f('window', { t: 'int', min: 1, max: 4096 }),
    f('horizon', { t: 'int', min: 1, max: 1024 }),
    f('stride', { t: 'int', min: 1, max: 100_000 }),
    f('gap', { t: 'int', min: 0, max: 100_000 }),
    f('groupBy', COLUMN),
    f('orderBy', COLUMN),
    f('text', COLUMN),
    f('condition', COLUMN),
    f('tokens', { t: 'enum', values: ['char', 'word'] }),
    f('sourceTokens', { t: 'enum', values: ['char', 'word'] }),
    f('targetTokens', { t: 'enum', values: ['char', 'word'] }),
    f('difference', { t: 'int', min: 0, max: 2 }),
    f('seasonalDifference', { t: 'int', min: 2, max: 100_000 }),
    f('maxLength', { t: 'int', min: 1, max: 4096 }),
    f('normalize', { t: 'enum', values: ['zscore', 'minmax', 'none'] }),
    f('missing', { t: 'enum', values: ['report', 'drop', 'ffill', 'mean'] }),
    f('valFraction', { t: 'num', min: 0.05, max: 0.5 }),
    f('model', { t: 'obj', keys: MODEL_KEYS }, true),
    f('model.cell', { t: 'enum', values: ['lstm', 'gru', 'rnn_tanh', 'rnn_relu'] }),
    f('model.hiddenSize', { t: 'int', min: 1, max: 1024 }, true),
    f('model.numLayers', { t: 'int', min: 1, max: 4 }),
    f('model.dropout', { t: 'num', min: 0, max: 0.9 }),
    f('model.bidirectional', { t: 'bool' }),
    f('optimizer', { t: 'obj', keys: OPTIMIZER_KEYS }, true),
    f('optimizer.kind', { t: 'enum', values: ['adam', 'sgd', 'momentum', 'rmsprop'] }),
    f('optimizer.lr', { t: 'num', min: 0, max: 10, exclusiveMin: true }, true),
    f('optimizer.weightDecay', { t: 'num', min: 0, max: 1 }),
    f('optimizer.momentum', { t: 'num', min: 0, max: 0.999 }),
    f('schedule', { t: 'obj', keys: SCHEDULE_KEYS }),
    f('schedule.kind', { t: 'enum', values: ['none', 'step', 'cosine', 'plateau'] }),
    f('schedule.stepSize', { t: 'int', min: 1, max: 100_000 }),
    f('schedule.gamma', { t: 'num', min: 0, max: 1, exclusiveMin: true }),
    f('schedule.patience', { t: 'int', min: 1, max: 1000 }),
    f('schedule.factor', { t: 'num', min: 0, max: 1, exclusiveMin: true }),
    f('epochs', { t: 'int', min: 1, max: 100_000 }, true),
    f('batchSize', { t: 'int', min: 1, max: 4096 }),
    f('seed', { t: 'int', min: 0, max: 2 ** 31 - 1 }),
    f('clipNorm', { t: 'num', min: 0, max: 1e6 }),
    f('tbptt', { t: 'int', min: 0, max: 4096 }),
    f('earlyStopping', { t: 'int', min: 0, max: 1000 }),
    f('nanPolicy', { t: 'enum', values: ['fail', 'revert'] }),
    f('precision', { t: 'enum', values: ['float32', 'float64'] }),
    f('init', { t: 'enum', values: ['default', 'pytorch'] })
  ]
}

const validConfig = () => ({
  mapping: 'many-to-one',
  target: 'CO2',
  window: 12,
  model: { cell: 'lstm', hiddenSize: 8 },
  optimizer: { kind: 'adam', lr: 0.01 },
  schedule: { kind: 'none' },
  epochs: 2
})

interface MethodSpec {
  base: () => Record<string, unknown>
  fields: Field[]
  /** objects (paths) that refuse unknown keys */ strict: string[][]
}

const idOnly = (id: number): MethodSpec => ({
  base: () => ({ id }),
  fields: [{ path: ['id'], kind: ID, required: true }],
  strict: [[]]
})
const empty: MethodSpec = { base: () => ({}), fields: [], strict: [[]] }

/**
 * Hand-written specs: a valid base payload, its fields and its strict objects (read-only methods aim at
 * row 1, the others at rows that do not exist). Requests without one, and fields added later, are derived
 * from the contract's schemas (specFor).
 */
export const HAND_SPECS: Partial<Record<RequestName, MethodSpec>> = {
  'app.info': empty,
  'datasets.list': empty,
  'experiments.list': empty,
  'datasets.import': {
    base: () => ({ name: 'x', source: { kind: 'sample', sample: 'no-such-sample' } }),
    fields: [
      { path: ['name'], kind: NAME, required: false },
      { path: ['source'], kind: { t: 'obj', keys: ['kind', 'sample'] }, required: true },
      { path: ['source', 'kind'], kind: { t: 'enum', values: ['sample'] }, required: true },
      { path: ['source', 'sample'], kind: { t: 'str', min: 1, max: 100 }, required: true }
    ],
    strict: [[], ['source']]
  },
  'datasets.get': idOnly(1),
  'datasets.sequences': {
    base: () => ({ datasetId: MISSING_ID, config: validConfig() }),
    fields: [{ path: ['datasetId'], kind: ID, required: true }, ...configFields(['config'], true)],
    strict: [[], ['config'], ['config', 'model'], ['config', 'optimizer'], ['config', 'schedule']]
  },
  'experiments.start': {
    base: () => ({ datasetId: MISSING_ID, name: 'run', config: validConfig() }),
    fields: [
      { path: ['datasetId'], kind: ID, required: true },
      { path: ['name'], kind: NAME, required: false },
      ...configFields(['config'], true)
    ],
    strict: [[], ['config'], ['config', 'model'], ['config', 'optimizer'], ['config', 'schedule']]
  },
  'experiments.stop': idOnly(MISSING_ID),
  'experiments.get': idOnly(1),
  'experiments.inspect': {
    base: () => ({ id: 1, probe: 0 }),
    fields: [
      { path: ['id'], kind: ID, required: true },
      { path: ['probe'], kind: { t: 'int', min: 0, max: 10_000_000 }, required: false }
    ],
    strict: [[]]
  },
  'experiments.pause': idOnly(MISSING_ID),
  'experiments.resume': idOnly(MISSING_ID),
  'experiments.delete': idOnly(MISSING_ID),
  'experiments.update': {
    base: () => ({ id: MISSING_ID, name: 'n', notes: 'x', tags: ['a'] }),
    fields: [
      { path: ['id'], kind: ID, required: true },
      { path: ['name'], kind: NAME, required: false },
      { path: ['notes'], kind: { t: 'str', min: 0, max: 100_000 }, required: false },
      {
        path: ['tags'],
        kind: { t: 'arr', of: { t: 'str', min: 1, max: 50, trim: true }, min: 0, max: 50, valid: 't' },
        required: false
      }
    ],
    strict: [[]]
  },
  'experiments.duplicate': {
    base: () => ({ id: MISSING_ID, name: 'copy', config: validConfig(), start: false }),
    fields: [
      { path: ['id'], kind: ID, required: true },
      { path: ['name'], kind: NAME, required: false },
      { path: ['start'], kind: { t: 'bool' }, required: false },
      ...configFields(['config'], false)
    ],
    strict: [[], ['config'], ['config', 'model'], ['config', 'optimizer'], ['config', 'schedule']]
  },
  'experiments.repeat': {
    base: () => ({ id: MISSING_ID, seeds: [1, 2] }),
    fields: [
      { path: ['id'], kind: ID, required: true },
      {
        path: ['seeds'],
        kind: { t: 'arr', of: { t: 'int', min: 0, max: 2 ** 31 - 1 }, min: 1, max: 20, valid: 3 },
        required: true
      }
    ],
    strict: [[]]
  },
  'models.export': {
    base: () => ({ id: MISSING_ID, format: 'json' }),
    fields: [
      { path: ['id'], kind: ID, required: true },
      { path: ['format'], kind: { t: 'enum', values: ['json', 'onnx', 'tfjs', 'pytorch'] }, required: true }
    ],
    strict: [[]]
  },
  'models.predict': {
    base: () => ({ id: MISSING_ID, datasetId: MISSING_ID, steps: 3, temperature: 0.8, seed: 1 }),
    fields: [
      { path: ['id'], kind: ID, required: true },
      { path: ['datasetId'], kind: ID, required: false },
      { path: ['steps'], kind: { t: 'int', min: 1, max: 100_000 }, required: false },
      { path: ['temperature'], kind: { t: 'num', min: 0, max: 100 }, required: false },
      { path: ['seed'], kind: { t: 'int', min: 0, max: 2 ** 31 - 1 }, required: false }
    ],
    strict: [[]]
  },
  'experiments.compare': {
    base: () => ({ ids: [MISSING_ID, MISSING_ID + 1] }),
    fields: [{ path: ['ids'], kind: { t: 'arr', of: ID, min: 2, max: 10, valid: MISSING_ID + 7 }, required: true }],
    strict: [[]]
  }
}

// ---- hostile values -------------------------------------------------------------------------------

/** An object nested `depth` levels deep: {a:{a:{…}}}. */
const deep = (depth: number): unknown => {
  let v: unknown = 1
  for (let i = 0; i < depth; i++) v = { a: v }
  return v
}
const bigString = (n: number) => 'x'.repeat(n)

const hugeString = fc.oneof(
  { weight: 10, arbitrary: fc.integer({ min: 501, max: 20_000 }).map(bigString) },
  { weight: 1, arbitrary: fc.constant(bigString(2 * 1024 * 1024)) }
)
/** Values no number/boolean field accepts. */
const notNumber = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.boolean(),
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
  fc.constantFrom('1', '0x10', '1e3', 'NaN', 'Infinity', ' 7 '),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.integer({ min: 10, max: 2000 }).map(deep),
  hugeString
)
const nonFinite = fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY)
const notString = fc.oneof(
  fc.integer(),
  fc.double(),
  nonFinite,
  fc.boolean(),
  fc.constant(null),
  fc.constant({}),
  fc.array(fc.string({ maxLength: 3 }), { maxLength: 3 }),
  fc.integer({ min: 10, max: 2000 }).map(deep)
)

/** Values `kind` refuses. */
export function badValue(kind: Kind): fc.Arbitrary<unknown> {
  switch (kind.t) {
    case 'int':
      return fc.oneof(
        notNumber,
        nonFinite,
        fc.double({ min: kind.min, max: Math.min(kind.max, 1e12), noNaN: true }).filter((x) => !Number.isInteger(x)),
        fc.integer({ min: 1, max: 1e9 }).map((d) => kind.min - d),
        kind.max >= Number.MAX_SAFE_INTEGER
          ? fc.constantFrom(2 ** 53, 1e300, Number.MAX_VALUE)
          : fc.oneof(
              fc.integer({ min: 1, max: 1e9 }).map((d) => kind.max + d),
              fc.constantFrom(...[1e9, 1e15, 1e300, Number.MAX_VALUE].filter((x) => x > kind.max))
            )
      )
    case 'num': {
      const options: fc.Arbitrary<unknown>[] = [notNumber, nonFinite]
      if (kind.min !== undefined) {
        options.push(
          kind.exclusiveMin
            ? fc.constantFrom(kind.min, kind.min - 1e-9, kind.min - 5, -1e300)
            : fc.double({ min: -1e300, max: kind.min, noNaN: true, maxExcluded: true, noDefaultInfinity: true })
        )
      }
      if (kind.max !== undefined) {
        const max = kind.max
        options.push(fc.double({ min: max, max: 1e300, minExcluded: true, noNaN: true, noDefaultInfinity: true }))
        const absurd = [1e9, Number.MAX_VALUE].filter((x) => x > max)
        if (absurd.length) options.push(fc.constantFrom(...absurd))
      }
      return fc.oneof(...options)
    }
    case 'str': {
      const options: fc.Arbitrary<unknown>[] = [notString]
      if (kind.max !== undefined) {
        options.push(
          fc.integer({ min: kind.max + 1, max: kind.max + 20_000 }).map(bigString),
          fc.constant(bigString(Math.max(kind.max + 1, 2 * 1024 * 1024)))
        )
      }
      if (kind.min >= 1) options.push(fc.constant(''))
      if (kind.trim && kind.min >= 1) options.push(fc.constantFrom(' ', '\t\n', '   '))
      if (kind.pattern) {
        const re = new RegExp(kind.pattern)
        options.push(
          fc
            .oneof(
              fc.string({ maxLength: 80 }),
              fc.constantFrom('../../etc/passwd', 'a b', '<script>', '%00', '\u0000', 'x'.repeat(65), '')
            )
            .filter((x) => !re.test(x))
        )
      }
      return fc.oneof(...options)
    }
    case 'union':
      return fc.oneof(
        notNumber.filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)),
        fc.constant([]),
        fc.constant(null)
      )
    case 'enum':
      return fc.oneof(
        notString,
        fc.string({ maxLength: 30 }).filter((s) => !kind.values.includes(s)),
        fc.constantFrom(
          ...[
            ...kind.values.map((v) => v.toUpperCase()),
            ...kind.values.map((v) => ` ${v}`),
            '__proto__',
            'constructor'
          ].filter((v) => !kind.values.includes(v))
        )
      )
    case 'bool':
      return fc.oneof(
        fc.constantFrom('true', 'false', 0, 1, null, [], {}, 'yes'),
        fc.integer(),
        fc.string({ maxLength: 5 })
      )
    case 'obj':
      return fc.oneof(
        notString.filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)),
        fc.string({ maxLength: 10 }),
        fc.constant([])
      )
    case 'arr': {
      const max = kind.max,
        of = kind.of
      return fc.oneof(
        fc.oneof(
          notString.filter((v) => !Array.isArray(v)),
          fc.string({ maxLength: 10 })
        ),
        ...(max !== undefined
          ? [fc.integer({ min: max + 1, max: max + 100_000 }).map((n) => new Array(n).fill(kind.valid))]
          : []),
        ...(kind.min > 0 ? [fc.constant([])] : []),
        // one bad element among good ones
        ...(of
          ? [
              fc
                .tuple(fc.integer({ min: 0, max: Math.max(0, Math.min(max ?? 10, 10) - 1) }), badValue(of))
                .map(([i, v]) => {
                  const a = new Array(Math.max(kind.min, i + 1))
                    .fill(kind.valid)
                    .map((x, j) => (typeof x === 'number' ? x + j : x))
                  a[i] = v
                  return a
                })
            ]
          : [])
      )
    }
  }
}

/** Keys an attacker would try on any object (own properties, as JSON.parse makes them). */
const hostileKey = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    'valueOf',
    '__defineGetter__',
    'then',
    'isAdmin',
    '../x',
    '\u0000',
    ''
  ),
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.integer({ min: 1000, max: 50_000 }).map(bigString)
)
const anyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  nonFinite,
  fc.integer({ min: 10, max: 1500 }).map(deep),
  fc.constant({ polluted: true })
)

const at = (obj: any, path: string[]) => path.reduce((o, k) => (o == null ? undefined : o[k]), obj)
function setOwn(obj: any, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true })
}

/** Invalid payloads for one request, each labelled with what the error must name. */
export function invalidCases(method: RequestName): fc.Arbitrary<FuzzCase> {
  const spec = specFor(method)
  const variants: { weight: number; arbitrary: fc.Arbitrary<FuzzCase> }[] = []

  // 1. The payload itself is not an object (null/undefined are taken as {} by parseArgs, so never sent).
  variants.push({
    weight: 2,
    // (no NaN/±Infinity here: JSON turns them into null, which is {} for the requests without arguments)
    arbitrary: fc
      .oneof(
        fc.integer(),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.string({ maxLength: 50 }),
        fc.boolean(),
        fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }),
        hugeString,
        fc.constantFrom(0, -1, 1e308, 'null', '[]', '{}')
      )
      .map((payload) => ({ method, payload, expect: 'validation' as const, mutation: 'not an object', paths: [''] }))
  })

  // 2. An unknown key (incl. __proto__/constructor) on a strict object; it must be named in the message.
  variants.push({
    weight: 3,
    arbitrary: fc.tuple(fc.constantFrom(...spec.strict), hostileKey, anyValue).map(([objPath, key, value]) => {
      const payload = spec.base()
      let target: any = payload
      for (const k of objPath) {
        if (target[k] === undefined) target[k] = {}
        target = target[k]
      } // optional objects are created empty
      const shape = objPath.length
        ? (spec.fields.find((f) => f.path.join('.') === objPath.join('.'))?.kind as { keys: string[] }).keys
        : Object.keys(payload).concat(spec.fields.map((f) => f.path[0]))
      if (!shape) throw new Error(`no keys for ${objPath.join('.')}`)
      const k = shape.includes(key) ? `${key}_x` : key
      setOwn(target, k, value)
      return {
        method,
        payload,
        expect: 'validation' as const,
        mutation: `unknown key ${k.length > 30 ? `(${k.length} chars)` : JSON.stringify(k)} in ${objPath.join('.') || '(root)'}`,
        paths: [objPath.join('.')],
        key: k
      }
    })
  })

  const required = spec.fields.filter((f) => f.required)
  if (required.length) {
    // 3. A required field missing.
    variants.push({
      weight: 2,
      arbitrary: fc.constantFrom(...required).map((f) => {
        const payload = spec.base()
        // a nested required field is only missing if its parent is there (the duplicate's optional config is)
        const parent = f.path.length > 1 ? at(payload, f.path.slice(0, -1)) : payload
        delete parent[f.path[f.path.length - 1]]
        return {
          method,
          payload,
          expect: 'validation' as const,
          mutation: `missing ${f.path.join('.')}`,
          paths: [f.path.join('.')]
        }
      })
    })
  }

  if (spec.fields.length) {
    // 4. One to three fields set to values they refuse (wrong types, NaN/±Infinity, absurd sizes, huge strings).
    const mutation = fc.constantFrom(...spec.fields).chain((f) => badValue(f.kind).map((v) => ({ f, v })))
    variants.push({
      weight: 12,
      arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }).map((ms) => {
        const payload = spec.base()
        const paths: string[] = []
        for (const { f, v } of ms) {
          // an optional parent that the base leaves out (e.g. datasets.import's options) is created empty
          let parent: any = payload
          for (const k of f.path.slice(0, -1)) {
            if (parent[k] === undefined) parent[k] = {}
            parent = parent[k]
            if (parent === null || typeof parent !== 'object' || Array.isArray(parent)) break
          }
          if (parent === null || typeof parent !== 'object' || Array.isArray(parent)) continue // an earlier mutation replaced the parent
          parent[f.path[f.path.length - 1]] = v
          paths.push(f.path.join('.'))
        }
        return { method, payload, expect: 'validation' as const, mutation: `bad ${paths.join(', ')}`, paths }
      })
    })
  }

  // 5. Well-formed, but naming rows that do not exist: a clear not-found, no write.
  const missing = wellFormedMissing(method)
  if (missing) variants.push({ weight: 1, arbitrary: missing })
  // fast-check prints counterexamples recursively; a 2,000-level object would overflow its printer.
  return fc.oneof(...variants).map((c) =>
    Object.defineProperty(c, fc.toStringMethod, {
      value: () => `${c.method} ${c.mutation}: ${safePreview(c.payload)}`,
      enumerable: false
    })
  )
}

function safePreview(x: unknown): string {
  try {
    return JSON.stringify(x).slice(0, 300)
  } catch (e) {
    return `(${(e as Error).message})`
  }
}

function wellFormedMissing(method: RequestName): fc.Arbitrary<FuzzCase> | null {
  const id = fc.integer({ min: 1_000_000, max: Number.MAX_SAFE_INTEGER })
  const wrap = (a: fc.Arbitrary<Record<string, unknown>>, paths: string[]) =>
    a.map((payload) => ({ method, payload, expect: 'missing' as const, mutation: 'well-formed, missing row', paths }))
  switch (method) {
    case 'datasets.get':
    case 'experiments.get':
    case 'experiments.stop':
    case 'experiments.pause':
    case 'experiments.resume':
    case 'experiments.delete':
    case 'experiments.inspect':
      return wrap(
        id.map((i) => ({ id: i })),
        ['id']
      )
    case 'experiments.update':
      return wrap(
        fc
          .tuple(
            id,
            fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim().length > 0)
          )
          .map(([i, n]) => ({ id: i, name: n })),
        ['id']
      )
    case 'experiments.duplicate':
      return wrap(
        id.map((i) => ({ id: i })),
        ['id']
      )
    case 'models.predict':
      return wrap(
        fc.tuple(id, id).map(([i, d]) => ({ id: i, datasetId: d })),
        ['id']
      )
    case 'models.export':
      return wrap(
        fc.tuple(id, fc.constantFrom('json', 'onnx', 'tfjs', 'pytorch')).map(([i, format]) => ({ id: i, format })),
        ['id']
      )
    case 'experiments.repeat':
      return wrap(
        id.map((i) => ({ id: i, seeds: [1] })),
        ['id']
      )
    case 'experiments.compare':
      return wrap(
        fc.uniqueArray(id, { minLength: 2, maxLength: 10 }).map((ids) => ({ ids })),
        ['ids']
      )
    case 'datasets.sequences':
    case 'experiments.start':
      return wrap(
        id.map((i) => ({ datasetId: i, config: validConfig() })),
        ['datasetId']
      )
    case 'datasets.import':
      return wrap(
        fc
          .stringMatching(/^[a-z0-9-]{1,40}$/)
          .filter((s) => !['co2-monthly', 'seattle-weather', 'first-names', 'cmudict-pronunciations'].includes(s))
          .map((sample) => ({ source: { kind: 'sample', sample } })),
        ['source.sample']
      )
    default:
      return null
  }
}

/** Does the error name the field (or quote the unknown key)? Returns a reason when it does not. */
export function namesTheField(
  c: FuzzCase,
  err: { name: string; message: string; issues?: { path: string; message: string }[] }
): string | null {
  if (c.expect === 'missing') {
    if (!['NotFoundError', 'InputError'].includes(err.name))
      return `expected a not-found, got ${err.name}: ${err.message.slice(0, 200)}`
    if (
      !c.paths.some(
        (p) => err.message.includes(p.split('.').pop()!) || /does not exist|no sample named/.test(err.message)
      )
    )
      return `not-found does not name ${c.paths}: ${err.message}`
    return null
  }
  if (err.name !== 'ValidationError') return `expected ValidationError, got ${err.name}: ${err.message.slice(0, 300)}`
  if (!err.message.startsWith(`${c.method}: `))
    return `message does not start with the method: ${err.message.slice(0, 200)}`
  const issues = err.issues ?? []
  if (!issues.length) return 'no issues'
  if (c.key !== undefined) {
    const where = c.paths[0] || '(root)'
    const ok = issues.some(
      (i) =>
        (i.path === where && i.message.includes(`"${c.key}"`)) ||
        // inside a union (datasets.import's source) zod names the union, not the key
        (where.startsWith('source') && i.path === 'source')
    )
    return ok
      ? null
      : `unknown key ${JSON.stringify(c.key).slice(0, 60)} not named at ${where}: ${err.message.slice(0, 300)}`
  }
  const related = (a: string, b: string) => {
    if (a === '' || b === '(root)') return a === '' && b === '(root)'
    const x = a.split('.'),
      y = b.split('.')
    const n = Math.min(x.length, y.length)
    return x.slice(0, n).join('.') === y.slice(0, n).join('.')
  }
  const ok = c.paths.some((p) => issues.some((i) => related(p, i.path)))
  return ok ? null : `no issue names ${c.paths.join(', ')}: ${err.message.slice(0, 300)}`
}

export const FUZZ_METHODS: readonly RequestName[] = REQUEST_NAMES

// ---- specs derived from the contract (z.toJSONSchema of each request's args) -----------------------

interface JsonSchema {
  type?: string
  properties?: Record<string, JsonSchema>
  required?: string[]
  additionalProperties?: boolean
  anyOf?: JsonSchema[]
  enum?: unknown[]
  const?: unknown
  items?: JsonSchema
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number
  exclusiveMaximum?: number
  minLength?: number
  maxLength?: number
  pattern?: string
  minItems?: number
  maxItems?: number
}

function kindOf(node: JsonSchema): Kind | null {
  if (node.anyOf) return node.anyOf.every((o) => o.type === 'object') ? { t: 'union' } : null
  if (node.enum)
    return node.enum.every((v) => typeof v === 'string') ? { t: 'enum', values: node.enum as string[] } : null
  if (node.const !== undefined) return typeof node.const === 'string' ? { t: 'enum', values: [node.const] } : null
  switch (node.type) {
    case 'integer':
      return {
        t: 'int',
        min:
          node.minimum ??
          (node.exclusiveMinimum !== undefined ? Math.floor(node.exclusiveMinimum) + 1 : -Number.MAX_SAFE_INTEGER),
        max:
          node.maximum ??
          (node.exclusiveMaximum !== undefined ? Math.ceil(node.exclusiveMaximum) - 1 : Number.MAX_SAFE_INTEGER)
      }
    case 'number':
      return node.exclusiveMinimum !== undefined
        ? { t: 'num', min: node.exclusiveMinimum, max: node.maximum, exclusiveMin: true }
        : { t: 'num', min: node.minimum, max: node.maximum }
    case 'string':
      return { t: 'str', min: node.minLength ?? 0, max: node.maxLength, pattern: node.pattern }
    case 'boolean':
      return { t: 'bool' }
    case 'object':
      return { t: 'obj', keys: Object.keys(node.properties ?? {}) }
    case 'array':
      return {
        t: 'arr',
        of: node.items ? kindOf(node.items) : null,
        min: node.minItems ?? 0,
        max: node.maxItems,
        valid: node.items ? validValue(node.items, 'item') : null
      }
    default:
      return null
  }
}

/** A value the schema accepts (ids point at rows that do not exist). */
function validValue(node: JsonSchema, name: string): unknown {
  if (node.anyOf) return validValue(node.anyOf[0], name)
  if (node.enum) return node.enum[0]
  if (node.const !== undefined) return node.const
  switch (node.type) {
    case 'integer':
    case 'number': {
      const k = kindOf(node) as { min?: number; max?: number }
      const lo = k.min ?? 0,
        hi = k.max ?? Number.MAX_SAFE_INTEGER
      const want = /id$/i.test(name) ? MISSING_ID : Math.max(lo, 0)
      return Math.min(Math.max(want, lo), hi)
    }
    case 'string': {
      const re = node.pattern ? new RegExp(node.pattern) : null
      const min = node.minLength ?? 0
      const candidate = ['x', 'fuzz-1', 'a', '0', ',']
        .map((c) => c.padEnd(min, 'x'))
        .find((c) => (!re || re.test(c)) && (node.maxLength === undefined || c.length <= node.maxLength))
      if (candidate === undefined) throw new Error(`no valid string for ${name} (pattern ${node.pattern})`)
      return candidate
    }
    case 'boolean':
      return false
    case 'array':
      return Array.from({ length: node.minItems ?? 0 }, (_, j) => {
        const v = validValue(node.items ?? {}, name)
        return typeof v === 'number' ? v + j : v
      })
    case 'object': {
      const o: Record<string, unknown> = {}
      for (const k of node.required ?? []) o[k] = validValue(node.properties![k], k)
      return o
    }
    default:
      throw new Error(`no valid value for ${name}`)
  }
}

function walk(node: JsonSchema, path: string[], required: boolean, fields: Field[], strict: string[][]): void {
  const kind = kindOf(node)
  if (path.length && kind) fields.push({ path, kind, required })
  if (node.type === 'object' && node.properties) {
    if (node.additionalProperties === false) strict.push(path)
    for (const [k, child] of Object.entries(node.properties))
      walk(child, [...path, k], (node.required ?? []).includes(k), fields, strict)
  }
}

const specCache = new Map<RequestName, MethodSpec>()

/** The hand spec of `method` completed with every field and strict object of its schema. */
export function specFor(method: RequestName): MethodSpec {
  const cached = specCache.get(method)
  if (cached) return cached
  const schema = z.toJSONSchema(requests[method].args, { io: 'input', unrepresentable: 'any' }) as JsonSchema
  const fields: Field[] = [],
    strict: string[][] = []
  walk(schema, [], true, fields, strict)
  const hand = HAND_SPECS[method]
  const key = (p: string[]) => p.join('.')
  const handPaths = new Set((hand?.fields ?? []).map((f) => key(f.path)))
  // fields under a union are the hand spec's business (their paths depend on the variant)
  const spec: MethodSpec = {
    base: hand?.base ?? (() => validValue(schema, method) as Record<string, unknown>),
    fields: [...(hand?.fields ?? []), ...fields.filter((f) => !handPaths.has(key(f.path)))],
    strict: [...new Map([...(hand?.strict ?? []), ...strict].map((p) => [key(p), p])).values()]
  }
  const check = requests[method].args.safeParse(spec.base())
  if (!check.success)
    throw new Error(
      `contract-arbitraries: the base payload of ${method} is not valid (${check.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}); add a hand spec`
    )
  specCache.set(method, spec)
  return spec
}
