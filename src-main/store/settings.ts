// Settings table: the app's own values by key (JSON), e.g. the engine's time calibration.
import type { Db } from './db'

export class SettingsRepo {
  private getStmt
  private setStmt
  constructor(db: Db) {
    this.getStmt = db.prepare<[string], { value_json: string }>('SELECT value_json FROM settings WHERE key = ?')
    this.setStmt = db.prepare(
      `INSERT INTO settings (key, value_json, updated_at) VALUES (?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at`
    )
  }

  /** The value stored under `key`, or undefined (also when it is not valid JSON). */
  get(key: string): unknown {
    const row = this.getStmt.get(key)
    if (!row) return undefined
    try {
      return JSON.parse(row.value_json)
    } catch {
      return undefined
    }
  }

  set(key: string, value: unknown): void {
    this.setStmt.run(key, JSON.stringify(value), new Date().toISOString())
  }
}
