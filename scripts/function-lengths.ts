// The longest functions of the source folders, measured as the function-length rule measures them: the line span of
// every function declaration, method, accessor, constructor, function expression and arrow function, from its first
// token to its closing brace; a nested function counts in its parent's span too (and is listed on its own).
// Declarations (.d.ts) and generated files (*.generated.ts) are not counted.
// Usage: npx tsx scripts/function-lengths.ts [--top 10] [--json] [folders…] (default src-main src-worker src-shared)

import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import ts from 'typescript'

export interface FunctionLength {
  file: string
  name: string
  line: number
  lines: number
}

const SOURCE = /\.(ts|mts|cts)$/
const SKIP = new Set(['node_modules', 'out', 'dist'])

function sourceFiles(dir: string): string[] {
  const out: string[] = []
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry)
    if (statSync(p).isDirectory()) {
      if (!SKIP.has(entry)) out.push(...sourceFiles(p))
    } else if (SOURCE.test(entry) && !/\.(d|generated)\.ts$/.test(entry)) out.push(p)
  }
  return out
}

function nameOf(node: ts.Node): string {
  const named = node as ts.Node & { name?: ts.Node }
  if (named.name && ts.isIdentifier(named.name)) return named.name.text
  if (ts.isConstructorDeclaration(node)) return 'constructor'
  const parent = node.parent
  if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text
  if (parent && ts.isPropertyAssignment(parent) && ts.isIdentifier(parent.name)) return parent.name.text
  if (parent && ts.isPropertyDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text
  return '(anonymous)'
}

function className(node: ts.Node): string | null {
  for (let p = node.parent; p; p = p.parent) if (ts.isClassLike(p) && p.name) return p.name.text
  return null
}

/** Every function-like node of one file with its line span. */
export function functionLengths(file: string, text = readFileSync(file, 'utf8')): FunctionLength[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
  const out: FunctionLength[] = []
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && (node as ts.FunctionLikeDeclaration).body) {
      const first = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line
      const last = sf.getLineAndCharacterOfPosition(node.getEnd()).line
      const owner = ts.isMethodDeclaration(node) || ts.isConstructorDeclaration(node) ? className(node) : null
      out.push({
        file,
        name: owner ? `${owner}.${nameOf(node)}` : nameOf(node),
        line: first + 1,
        lines: last - first + 1
      })
    }
    ts.forEachChild(node, visit)
  }
  visit(sf)
  return out
}

function main(argv: string[]): void {
  let top = 10,
    json = false
  const folders: string[] = []
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--top') top = Number(argv[++i])
    else if (argv[i] === '--json') json = true
    else folders.push(argv[i])
  }
  const roots = folders.length ? folders : ['src-main', 'src-worker', 'src-shared']
  const all = roots.flatMap((r) => sourceFiles(r)).flatMap((f) => functionLengths(f))
  all.sort((a, b) => b.lines - a.lines || a.file.localeCompare(b.file))
  const shown = all.slice(0, top).map((f) => ({ ...f, file: relative(process.cwd(), f.file) }))
  if (json) console.log(JSON.stringify({ functions: all.length, longest: shown }))
  else {
    console.log(`${all.length} functions in ${roots.join(', ')}; the ${shown.length} longest:`)
    for (const f of shown) console.log(`${String(f.lines).padStart(5)}  ${f.name}  ${f.file}:${f.line}`)
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main(process.argv.slice(2))
