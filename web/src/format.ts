// Display formats shared by the pages: numbers with zh-CN grouping, times in Beijing time.

const groupers = new Map<number, Intl.NumberFormat>()

/** `12345.678, 2` → `12,345.68`; missing or not a number → `—`. Without `decimals`, as many as the value has (at most 4). */
export function formatNumber(v: number | null | undefined, decimals?: number): string {
  if (v == null || !Number.isFinite(v)) return '—'
  const key = decimals ?? -1
  let f = groupers.get(key)
  if (!f) {
    f = new Intl.NumberFormat('zh-CN', decimals == null ? { maximumFractionDigits: 4 } : { minimumFractionDigits: decimals, maximumFractionDigits: decimals })
    groupers.set(key, f)
  }
  return f.format(v)
}

const shanghai = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
})

/** An ISO time (the server's UTC) as Beijing time, `YYYY-MM-DD HH:mm`; what it cannot read, unchanged. */
export function formatTime(iso: string): string {
  const d = new Date(iso)
  if (!iso || Number.isNaN(d.getTime())) return iso ?? ''
  const p = Object.fromEntries(shanghai.formatToParts(d).map((x) => [x.type, x.value]))
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`
}
