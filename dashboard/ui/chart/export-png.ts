import type uPlot from 'uplot'

/**
 * The chart as a PNG: its canvas on white, under a title, with a legend of the series in their
 * colours (uPlot's legend is HTML, so it is drawn again here).
 */
export function chartPng(u: uPlot, title: string, subtitle: string): Promise<Blob> {
  const dpr = devicePixelRatio || 1
  const source = u.ctx.canvas
  const pad = 16 * dpr
  const header = 52 * dpr
  const entries = u.series.slice(1).map((s) => ({ label: String(s.label ?? ''), color: typeof s.stroke === 'function' ? '#333' : String(s.stroke ?? '#333') }))
  const ctxProbe = document.createElement('canvas').getContext('2d')!
  ctxProbe.font = `${12 * dpr}px system-ui, sans-serif`
  const rows: { label: string; color: string; x: number }[][] = [[]]
  let x = pad
  const width = source.width + 2 * pad
  for (const e of entries) {
    const w = 22 * dpr + ctxProbe.measureText(e.label).width + 16 * dpr
    if (x + w > width - pad && rows[rows.length - 1]!.length > 0) {
      rows.push([])
      x = pad
    }
    rows[rows.length - 1]!.push({ ...e, x })
    x += w
  }
  const legend = rows.length * 20 * dpr + pad
  const canvas = document.createElement('canvas')
  canvas.width = width
  canvas.height = header + source.height + legend
  const ctx = canvas.getContext('2d')!
  ctx.fillStyle = '#ffffff'
  ctx.fillRect(0, 0, canvas.width, canvas.height)
  ctx.fillStyle = '#101828'
  ctx.font = `600 ${16 * dpr}px system-ui, sans-serif`
  ctx.textBaseline = 'top'
  ctx.fillText(title, pad, pad)
  ctx.fillStyle = '#667085'
  ctx.font = `${12 * dpr}px system-ui, sans-serif`
  ctx.fillText(subtitle, pad, pad + 22 * dpr)
  ctx.drawImage(source, pad, header)
  ctx.textBaseline = 'middle'
  rows.forEach((row, r) => {
    const y = header + source.height + pad / 2 + r * 20 * dpr + 10 * dpr
    for (const e of row) {
      ctx.fillStyle = e.color
      ctx.fillRect(e.x, y - 2 * dpr, 16 * dpr, 4 * dpr)
      ctx.fillStyle = '#344054'
      ctx.fillText(e.label, e.x + 22 * dpr, y)
    }
  })
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the browser made no PNG'))), 'image/png'))
}

/** Saves a blob as a file through the browser's download. */
export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
