// How many decimals an indicator is shown with. The catalogue (/api/v1/indicators) has units but
// no decimals; the forms that collect an indicator state how many decimals it is filed with
// (/api/v1/forms, `indicators[].decimals`), so that is what the pages show. An indicator no form
// collects is shown with the decimals its value has, at most two (the documents quote no more;
// more come only from computation, such as a target's expected path).
import { ref } from 'vue'
import { forms } from '../api'

export const DEFAULT_DECIMALS = 2
const known = ref<Record<string, number>>({})
let loading: Promise<void> | null = null

export function loadDecimals() {
  loading ||= forms()
    .then((list) => {
      const d: Record<string, number> = {}
      // An indicator on several forms: the most decimals any of them files.
      for (const f of list) for (const i of f.indicators) d[i.code] = Math.max(d[i.code] ?? 0, i.decimals)
      known.value = d
    })
    .catch(() => {}) // a role that cannot list forms gets the default
  return loading
}

/// The decimals `value` has, at most `most` (a value with more is shown with `most`).
function ownDecimals(value: number | null | undefined, most: number): number {
  if (value == null || !Number.isFinite(value)) return most
  for (let d = 0; d < most; d++) if (Math.abs(value * 10 ** d - Math.round(value * 10 ** d)) < 1e-9) return d
  return most
}

export function decimalsFor(code: string | null | undefined, value?: number | null): number {
  if (code && code in known.value) return known.value[code]
  return ownDecimals(value, DEFAULT_DECIMALS)
}

/// Decimals for a figure as published: a value printed `8354` is not shown as `8,354.00` even
/// where its form files two decimals. The printed text decides when it is a plain number
/// (`2015.10` keeps its zero); otherwise the value's own decimals, at most the indicator's.
export function printedDecimals(code: string | null | undefined, value: number | null | undefined, printed?: string | null): number {
  const m = printed?.trim().match(/^-?\d+(?:\.(\d+))?$/)
  if (m) return m[1]?.length ?? 0
  return ownDecimals(value, decimalsFor(code, value))
}
