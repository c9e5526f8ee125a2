import type uPlot from 'uplot'

/** Where the answer's windows change layer: before `cutoff` from batch version `version`, from it on from the speed layer. */
export interface Boundary {
  cutoff: number | null
  version: number | null
}

const SPEED_FILL = 'rgba(242, 142, 43, 0.07)'
const LINE = '#c2410c'
const TEXT = '#475467'

/**
 * Draws the batch/speed boundary of the answer on a uPlot chart: the speed layer's windows (from the
 * cutoff on) on a tinted background, under the lines, and a dashed line at the cutoff with the
 * provenance of each side written at the top ("batch v3" to the left, "speed layer" to the right).
 */
export function cutoffPlugin(boundary: () => Boundary): uPlot.Plugin {
  const speedStart = (u: uPlot): number | null => {
    const { cutoff } = boundary()
    const min = u.scales.x!.min!
    const max = u.scales.x!.max!
    if (cutoff === null) return min * 1000
    const x = cutoff / 1000
    return x > max ? null : Math.max(x, min) * 1000
  }
  return {
    hooks: {
      drawClear: [
        (u) => {
          const start = speedStart(u)
          if (start === null) return
          const { ctx, bbox } = u
          const left = u.valToPos(start / 1000, 'x', true)
          ctx.save()
          ctx.fillStyle = SPEED_FILL
          ctx.fillRect(left, bbox.top, bbox.left + bbox.width - left, bbox.height)
          ctx.restore()
        },
      ],
      draw: [
        (u) => {
          const { cutoff, version } = boundary()
          const { ctx, bbox } = u
          const dpr = devicePixelRatio || 1
          const start = speedStart(u)
          ctx.save()
          ctx.font = `${12 * dpr}px system-ui, sans-serif`
          ctx.textBaseline = 'top'
          ctx.fillStyle = TEXT
          const top = bbox.top + 6 * dpr
          if (cutoff !== null && start !== null && start === cutoff) {
            const x = Math.round(u.valToPos(cutoff / 1000, 'x', true))
            ctx.strokeStyle = LINE
            ctx.lineWidth = 1.5 * dpr
            ctx.setLineDash([5 * dpr, 4 * dpr])
            ctx.beginPath()
            ctx.moveTo(x, bbox.top)
            ctx.lineTo(x, bbox.top + bbox.height)
            ctx.stroke()
            ctx.textAlign = 'right'
            ctx.fillText(`batch v${version ?? '?'}  ◂`, x - 6 * dpr, top)
            // The speed side is often narrow (the newest windows): its label goes under the batch one when it does not fit.
            const speed = '▸  speed layer'
            const fits = x + 6 * dpr + ctx.measureText(speed).width <= bbox.left + bbox.width
            ctx.textAlign = fits ? 'left' : 'right'
            ctx.fillText(speed, fits ? x + 6 * dpr : x - 6 * dpr, fits ? top : top + 16 * dpr)
          } else if (start !== null) {
            ctx.textAlign = 'left'
            ctx.fillText(cutoff === null ? 'speed layer (no batch version yet)' : 'speed layer', bbox.left + 6 * dpr, top)
          } else {
            ctx.textAlign = 'left'
            ctx.fillText(`batch v${version ?? '?'}`, bbox.left + 6 * dpr, top)
          }
          ctx.restore()
        },
      ],
    },
  }
}
