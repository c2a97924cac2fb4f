// Save what a chart shows as a PNG: the canvases of one figure drawn side by side on the theme's
// surface colour (chart canvases are transparent), then offered as a download.
export function canvasesToPng(canvases: HTMLCanvasElement[], background: string): string {
  const gap = 8
  const w = canvases.reduce((s, c) => s + c.width, 0) + gap * Math.max(0, canvases.length - 1)
  const h = Math.max(1, ...canvases.map((c) => c.height))
  const out = document.createElement('canvas')
  out.width = Math.max(1, w)
  out.height = h
  const ctx = out.getContext('2d')!
  ctx.fillStyle = background
  ctx.fillRect(0, 0, out.width, out.height)
  let x = 0
  for (const c of canvases) {
    ctx.drawImage(c, x, 0)
    x += c.width + gap
  }
  return out.toDataURL('image/png')
}

/** Trigger a download of `url` as `fileName`. */
export function download(url: string, fileName: string): void {
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  a.rel = 'noopener'
  document.body.append(a)
  a.click()
  a.remove()
}

/** A file name from a title: "Gate heatmaps — run 3" → "gate-heatmaps-run-3.png". */
export function pngName(title: string): string {
  return (
    (title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'chart') + '.png'
  )
}
