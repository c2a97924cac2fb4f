// Data layer: strict CSV import and the sequence builders for every mapping (see docs/DATA.md).
export * from './csv'
export * from './csv-file'
export * from './normalize'
export * from './windows'
export * from './sequences'
export * from './text-sequences'
export * from './tokens'
