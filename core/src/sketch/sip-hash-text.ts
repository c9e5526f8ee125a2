import { sipHash64 } from './sip-hash64.ts'

const encoder = new TextEncoder()
let buffer = new Uint8Array(256)

/**
 * sipHash64 of a text's UTF-8 bytes (ClickHouse's `sipHash64(text)`), written to `out` as
 * [high, low] 32-bit halves. ASCII texts are copied without the encoder; no allocation per call.
 */
export function sipHashText(text: string, out: Uint32Array): void {
  if (text.length * 3 > buffer.length) buffer = new Uint8Array(text.length * 3)
  let length = text.length
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit > 0x7f) {
      length = encoder.encodeInto(text, buffer).written
      break
    }
    buffer[i] = unit
  }
  sipHash64(buffer, length, out)
}
