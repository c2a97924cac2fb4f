// The ordered list of schema migrations; migration N brings the store to PRAGMA user_version = N.
// To add one: a file NNN-name.ts exporting a Migration (migration.ts), appended here, with a test in
// tests/unit/main/store/migrations.test.ts that a store of the previous version keeps its data.
import { initial } from './001-initial'
import { lifecycle } from './002-lifecycle'
import { valMetrics } from './003-val-metrics'
import { importOptions } from './004-import-options'
import { experimentIds } from './005-experiment-ids'
import { settings } from './006-settings'
import { probes } from './007-probes'
import type { Migration } from './migration'

export type { Migration }

export const migrations: Migration[] = [initial, lifecycle, valMetrics, importOptions, experimentIds, settings, probes]
export const LATEST_VERSION = migrations[migrations.length - 1].version
