// Files kept as text templates (Python sources, a README), imported as strings: the bundler's `?raw` imports, and
// scripts/tsx-worker.mjs's loader when the worker runs from sources.
declare module '*.py?raw' {
  const text: string
  export default text
}
declare module '*.md?raw' {
  const text: string
  export default text
}
