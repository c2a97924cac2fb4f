// The ordered list of schema migrations; migration N brings the store to PRAGMA user_version = N.
import * as m001 from './001-initial'
import * as m002 from './002-lifecycle'
import * as m003 from './003-val-metrics'

export interface Migration {
  version: number
  up: string
}

export const migrations: Migration[] = [
  { version: 1, up: m001.up },
  { version: 2, up: m002.up },
  { version: 3, up: m003.up }
]
export const LATEST_VERSION = migrations[migrations.length - 1].version
