// Contract types the renderer uses, re-exported in one place (type-only: no runtime schemas bundled).
export type {
  ColumnInfo,
  DatasetDetail,
  DatasetSummary,
  EpochPoint,
  EventPayload,
  ExperimentConfigInput,
  ExperimentDetail,
  ExperimentStatus,
  ExperimentSummary,
  Result,
  StepPoint
} from '../../../src-shared/contract'
import type { ExperimentConfigInput, Result } from '../../../src-shared/contract'

export type CellKind = NonNullable<ExperimentConfigInput['model']['cell']>
export type AppInfo = Result<'app.info'>
