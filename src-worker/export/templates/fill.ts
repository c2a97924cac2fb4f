// Fills a text template's {{name}} placeholders in one pass (values are not searched for placeholders again).

/** The template with every {{name}} replaced by vars[name]; a placeholder without a value is an error. */
export function fillTemplate(template: string, vars: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const v = vars[name]
    if (v === undefined) throw new Error(`template placeholder {{${name}}} has no value`)
    return v
  })
}
