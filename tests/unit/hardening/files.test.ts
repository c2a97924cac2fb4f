// What the app writes on disk, attacked: `--out` aimed at the user's input, the store, its -wal/-shm and the data
// folder's exports/; an existing file without --overwrite; a full disk (a real 8 KiB tmpfs); a read-only data
// folder (a tmpfs remounted read-only); symlinks planted in the data folder; a killed backup's leftovers; a delete
// while an export runs; and the modes of everything created (0700 folders, 0600 files).
import { execFileSync } from 'node:child_process'
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EXIT, runCli } from '../../../src-main/cli'
import { STORE_FILE } from '../../../src-main/store/index'
import { backupStore } from '../../../src-main/store/backup'
import { Store } from '../../../src-main/store/index'
import { openWorkbench, SAMPLES, SOURCE_ENTRY, tempDir } from '../../helpers/workbench'

const t = tempDir('rnnwb-files-')
const DATA = join(t.dir, 'data')
const CO2 = join(SAMPLES, 'co2-monthly.csv')
afterAll(() => t.cleanup())

async function cli(args: string[], dataDir = DATA): Promise<{ code: number; out: string; err: string }> {
  let out = '',
    err = ''
  const io = { out: (s: string) => void (out += s), err: (s: string) => void (err += s) }
  const code = await runCli([...args, '--data-dir', dataDir], io, SOURCE_ENTRY)
  return { code, out, err }
}

const mode = (p: string) => (statSync(p).mode & 0o777).toString(8)
const train = (dataDir = DATA) =>
  cli(
    [
      'train',
      '--csv',
      CO2,
      '--target',
      'CO2',
      '--window',
      '12',
      '--hidden',
      '4',
      '--epochs',
      '1',
      '--lr',
      '0.01',
      '--seed',
      '1'
    ],
    dataDir
  )

beforeAll(async () => {
  expect((await train()).code).toBe(EXIT.ok)
})

/** A small tmpfs (root only); null with the reason printed when it cannot be mounted here. */
function tmpfs(name: string, size: string): { dir: string; readOnly(): void; unmount(): void } | null {
  const dir = join(t.dir, name)
  mkdirSync(dir)
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=700`, 'tmpfs', dir], { stdio: 'pipe' })
  } catch (e) {
    console.log(`SKIP tmpfs fault (${name}): cannot mount a tmpfs here: ${(e as Error).message.split('\n')[0]}`)
    return null
  }
  return {
    dir,
    readOnly: () => execFileSync('mount', ['-o', 'remount,ro', dir]),
    unmount: () => execFileSync('umount', ['-l', dir])
  }
}

describe('--out never destroys what it must not', () => {
  it('refuses the input file, even with --overwrite, and leaves it as it was', async () => {
    const input = join(t.dir, 'in.csv')
    copyFileSync(CO2, input)
    for (const extra of [[], ['--overwrite']]) {
      const r = await cli(['predict', '1', '--csv', input, '--out', input, ...extra])
      expect(r.code).toBe(EXIT.input)
      expect(r.err).toMatch(/that is the file being read/)
    }
    expect(readFileSync(input)).toEqual(readFileSync(CO2))
  })

  it('refuses the store, its -wal/-shm, the data folder itself and its exports/, and the store keeps working', async () => {
    const before = readFileSync(join(DATA, STORE_FILE))
    for (const target of [STORE_FILE, `${STORE_FILE}-wal`, `${STORE_FILE}-shm`, 'exports/experiment-1/x.csv', '.']) {
      for (const extra of [[], ['--overwrite']]) {
        const r = await cli(['predict', '1', '--csv', CO2, '--out', join(DATA, target), ...extra])
        expect(r.code, target).toBe(EXIT.input)
        expect(r.err, target).toMatch(/choose a path outside it/)
      }
    }
    const ex = await cli(['export', '1', '--format', 'json', '--out', join(DATA, STORE_FILE), '--overwrite'])
    expect(ex.code).toBe(EXIT.input)
    expect(readFileSync(join(DATA, STORE_FILE)).subarray(0, 16).toString()).toBe(before.subarray(0, 16).toString())
    const list = await cli(['list', '--json'])
    expect(list.code).toBe(EXIT.ok)
    expect(JSON.parse(list.out)).toHaveLength(1)
  })

  it('refuses an existing file (or folder with files) without --overwrite; replaces it with --overwrite', async () => {
    const out = join(t.dir, 'pred.csv')
    writeFileSync(out, 'mine\n')
    const r = await cli(['predict', '1', '--csv', CO2, '--out', out])
    expect(r.code).toBe(EXIT.input)
    expect(r.err).toMatch(/it exists; choose another name, or pass --overwrite/)
    expect(readFileSync(out, 'utf8')).toBe('mine\n')
    expect((await cli(['predict', '1', '--csv', CO2, '--out', out, '--overwrite'])).code).toBe(EXIT.ok)
    expect(readFileSync(out, 'utf8')).toMatch(/^window_end|^[a-z_]+,/)
    const dir = join(t.dir, 'tfjs-out')
    mkdirSync(dir)
    writeFileSync(join(dir, 'keep.txt'), 'keep')
    expect((await cli(['export', '1', '--format', 'tfjs', '--out', dir])).code).toBe(EXIT.input)
    expect(readdirSync(dir)).toEqual(['keep.txt'])
  })

  it('names a bad model file once', async () => {
    const bad = join(t.dir, 'bad-model.json')
    writeFileSync(bad, '{"format":"nope"}')
    const r = await cli(['predict', bad, '--csv', CO2, '--out', join(t.dir, 'never.csv')])
    expect(r.code).toBe(EXIT.input)
    expect(r.err.split(bad).length - 1).toBe(1)
  })
})

describe('private by default', () => {
  it('creates the data folder 0700, the store and its WAL 0600, exports 0700/0600, backups 0600', async () => {
    expect(mode(DATA)).toBe('700')
    expect(mode(join(DATA, STORE_FILE))).toBe('600')
    const wb = openWorkbench(DATA)
    try {
      expect(mode(join(DATA, `${STORE_FILE}-wal`))).toBe('600')
      const r = await wb.request('models.export', { id: 1, format: 'json' })
      expect(mode(join(DATA, 'exports'))).toBe('700')
      expect(mode(join(DATA, 'exports', 'experiment-1'))).toBe('700')
      expect(mode(r.files[0]!)).toBe('600')
      const b = await backupStore(wb.store.db, join(t.dir, 'private-backup.db'))
      expect(mode(b.path)).toBe('600')
    } finally {
      await wb.close()
    }
  })

  it('warns when an existing data folder is readable by others', async () => {
    const wide = join(t.dir, 'wide')
    mkdirSync(wide, { mode: 0o755 })
    chmodSync(wide, 0o755)
    const r = await cli(['list'], wide)
    expect(r.code).toBe(EXIT.ok)
    expect(r.err).toMatch(/readable by other users \(mode 755\)/)
  })
})

describe('file-system faults', () => {
  it('a full disk: exit 4 naming it, no 0-byte --out, no temporary file, an existing file intact', async () => {
    const fs = tmpfs('full', '8k')
    if (!fs) return
    try {
      const out = join(fs.dir, 'pred.csv')
      const r = await cli(['predict', '1', '--csv', CO2, '--out', out])
      expect(r.code).toBe(EXIT.storage)
      expect(r.err).toMatch(/could not write .*pred\.csv: the disk is full \(ENOSPC\); nothing was written there/)
      expect(readdirSync(fs.dir)).toEqual([])
      writeFileSync(out, 'old\n')
      expect((await cli(['predict', '1', '--csv', CO2, '--out', out, '--overwrite'])).code).toBe(EXIT.storage)
      expect(readFileSync(out, 'utf8')).toBe('old\n')
      expect(readdirSync(fs.dir)).toEqual(['pred.csv'])
    } finally {
      fs.unmount()
    }
  })

  it('a read-only data folder: list, show and compare work; a write fails with exit 4', async () => {
    const fs = tmpfs('ro', '32m')
    if (!fs) return
    try {
      const data = join(fs.dir, 'data')
      expect((await train(data)).code).toBe(EXIT.ok)
      fs.readOnly()
      const list = await cli(['list', '--json'], data)
      expect(list.err).toBe('')
      expect(list.code).toBe(EXIT.ok)
      expect(JSON.parse(list.out)).toHaveLength(1)
      expect((await cli(['show', '1'], data)).code).toBe(EXIT.ok)
      const t2 = await train(data)
      expect(t2.code).toBe(EXIT.storage)
    } finally {
      fs.unmount()
    }
  })

  it('never writes through a symlink planted in the data folder', async () => {
    const outside = join(t.dir, 'outside.txt')
    writeFileSync(outside, 'precious')
    const wb = openWorkbench(DATA)
    try {
      const file = join(DATA, 'exports', 'experiment-1', 'model.json')
      mkdirSync(join(DATA, 'exports', 'experiment-1'), { recursive: true })
      rmSync(file, { force: true })
      symlinkSync(outside, file)
      await expect(wb.request('models.export', { id: 1, format: 'json' })).rejects.toThrow(/is a symbolic link/)
      expect(readFileSync(outside, 'utf8')).toBe('precious')
      const outsideDir = join(t.dir, 'outside-dir')
      mkdirSync(outsideDir)
      rmSync(join(DATA, 'exports', 'experiment-1'), { recursive: true })
      symlinkSync(outsideDir, join(DATA, 'exports', 'experiment-1'))
      await expect(wb.request('models.export', { id: 1, format: 'tfjs' })).rejects.toThrow(/is a symbolic link/)
      await expect(wb.request('models.predict', { id: 1, datasetId: 1 })).rejects.toThrow(/is a symbolic link/)
      expect(readdirSync(outsideDir)).toEqual([])
      rmSync(join(DATA, 'exports', 'experiment-1'))
    } finally {
      await wb.close()
    }
  })

  it("a killed backup's temporary copy and journal are cleaned by the next backup", async () => {
    const dir = join(t.dir, 'backups')
    mkdirSync(dir)
    const dead = 2 ** 22 + 12345 // above Linux's pid_max default: no such process
    for (const suffix of ['', '-journal']) writeFileSync(join(dir, `.b.db.partial-${dead}${suffix}`), 'left over')
    writeFileSync(join(dir, 'other.txt'), 'keep')
    const store = Store.open(DATA)
    try {
      await backupStore(store.db, join(dir, 'b.db'))
    } finally {
      store.close()
    }
    expect(readdirSync(dir).sort()).toEqual(['b.db', 'other.txt'])
  })
})

describe('deleting an experiment', () => {
  it('is refused while its export runs, then takes its files with it', async () => {
    const wb = openWorkbench(DATA)
    try {
      const exporting = wb.request('models.export', { id: 1, format: 'onnx' })
      await expect(wb.request('experiments.delete', { id: 1 })).rejects.toThrow(/is being exported or predicted/)
      const r = await exporting
      expect(existsSync(r.files[0]!)).toBe(true)
      expect((await wb.request('experiments.delete', { id: 1 })).ok).toBe(true)
      expect(existsSync(join(DATA, 'exports', 'experiment-1'))).toBe(false)
    } finally {
      await wb.close()
    }
  })
})
