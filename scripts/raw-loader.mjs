// Node module hooks for `?raw` imports (a file's text as the default export), which the bundler handles in built
// code: registered by scripts/tsx-worker.mjs so a worker run from TypeScript sources imports templates the same way.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export function resolve(specifier, context, next) {
  if (specifier.endsWith('?raw') && context.parentURL)
    return { url: new URL(specifier, context.parentURL).href, shortCircuit: true }
  return next(specifier, context)
}

export function load(url, context, next) {
  if (!url.endsWith('?raw')) return next(url, context)
  const text = readFileSync(fileURLToPath(url.slice(0, -'?raw'.length)), 'utf8')
  return { format: 'module', source: `export default ${JSON.stringify(text)}`, shortCircuit: true }
}
