// The exported PyTorch project's identity: its format tag and where its run comes from. Kept apart from the
// project writer (which imports its Python templates as text) so the host can read a project without them.

export const PROJECT_FORMAT = 'rnn-workbench-pytorch-project'

/** Where the run comes from: recorded in config.json, and how `import-run` finds its dataset again. */
export interface ProjectSource {
  experimentId: number
  name: string
  datasetId: number
  datasetName: string
  datasetSha256: string
}
