// The experiment store: one SQLite file holding datasets, experiments, metrics and checkpoints.
import { join } from 'node:path'
import { openDatabase, type Db, type OpenOptions } from './db'
import { DatasetsRepo } from './datasets'
import { ExperimentsRepo } from './experiments'
import { SettingsRepo } from './settings'
import { reserveExportedIds } from './exported-ids'

export const STORE_FILE = 'workbench.db'

export class Store {
  readonly datasets: DatasetsRepo
  readonly experiments: ExperimentsRepo
  readonly settings: SettingsRepo
  constructor(readonly db: Db) {
    this.datasets = new DatasetsRepo(db)
    this.experiments = new ExperimentsRepo(db)
    this.settings = new SettingsRepo(db)
  }

  static open(dataDir: string, opts?: OpenOptions): Store {
    const db = openDatabase(join(dataDir, STORE_FILE), opts)
    if (!opts?.readonly) reserveExportedIds(db, dataDir)
    return new Store(db)
  }

  close(): void {
    this.db.close()
  }
}

export { StoreTooNewError, type OpenOptions } from './db'
