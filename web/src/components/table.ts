// The columns of DataTable and what it exports: the rows as filtered and sorted on screen, all
// pages, as CSV (UTF-8 with a BOM, so Excel reads Chinese) or XLSX (numbers stay numbers).
import { addMessages, i18n } from '../i18n.js'

export interface Column<R = any> {
  /** Field name; also the sort key and the name of the cell slot (`cell-<key>`). */
  key: string
  label: string
  /** `number`: right-aligned, grouped, sorted as a number (missing last), exported as a number. */
  type?: 'number' | 'text'
  /** Decimals shown and exported (numbers); per row when the rows mix indicators. */
  decimals?: number | ((row: R) => number | undefined)
  /** The value sorted, filtered and exported; `row[key]` by default. */
  value?: (row: R) => unknown
  /** The text shown, searched and exported for a text column; `String(value)` by default. */
  text?: (row: R) => string
  width?: number | string
  minWidth?: number | string
  /** Sortable unless `false`. */
  sortable?: boolean
  /** A select of the column's values above the table (for columns with few values). */
  filter?: boolean
  /** Searched by the search box; text columns are unless `false`. */
  search?: boolean
  /** One line with an ellipsis; the whole text in a tooltip. */
  truncate?: boolean
  /** Exported unless `false` (an icon-only column, say). */
  export?: boolean
}

// The table's own words, added to the app's messages here so that i18n.js stays as it is.
addMessages({
  table: {
    search: ['搜索', 'Search'], pageSize: ['每页条数', 'Rows per page'], jump: ['跳至页', 'Go to page'], total: ['共 {n} 条', '{n} rows'], of: ['（全部 {n} 条）', ' (of {n})'],
    csv: ['导出 CSV', 'Export CSV'], xlsx: ['导出 Excel', 'Export Excel'], print: ['打印', 'Print'],
    png: ['导出 PNG', 'Export PNG'], svg: ['导出 SVG', 'Export SVG'], asOf: ['数据截至 {p}', 'Data up to {p}'],
    updated: ['本库数据更新于 {t}', 'Data last changed {t}'],
    updatedTip: ['您可见范围内最近一次数据变更（新增、修改或审定）的时间，北京时间', 'The latest change (new, edited or approved value) within your scope, Beijing time'],
    code: ['代码', 'Code'], server: ['服务器按查询条件导出', 'by the server, for the query'], nature: ['数据性质', 'Kind'],
    documented: ['文件数据', 'documented'], latestPeriod: ['最新值期间', 'Latest period'], reported: ['报告期', 'Reported'],
    lagging: ['滞后', 'Lagging'], yes: ['是', 'yes'], no: ['否', 'no'], rankPrefix: ['第 ', ''], rankSuffix: [' 位', ''],
    obsStatus: { final: ['正式', 'final'], provisional: ['初步', 'provisional'], },
    rankTip: ['权重在 ±25% 内随机变化时名次的 90% 区间（第 5 与第 95 百分位数）。百分位数取插值，可能带小数（如 2.95），这里取整为可能的名次：下限向下取整、上限向上取整。原始区间：{raw}', '90 % interval of the rank when the weights vary by ±25 % (5th and 95th percentile). Percentiles interpolate and may be fractional (2.95); shown as the whole positions they span: the lower bound rounded down, the upper up. Raw interval: {raw}'],
  },
})

export const valueOf = (c: Column, row: any): unknown => (c.value ? c.value(row) : row[c.key])
export const decimalsOf = (c: Column, row: any): number | undefined => (typeof c.decimals === 'function' ? c.decimals(row) : c.decimals)
export function textOf(c: Column, row: any): string {
  if (c.text) return c.text(row)
  const v = valueOf(c, row)
  return v == null ? '' : String(v)
}

/** The value written to a file: a number rounded to its decimals, or the text. */
export function exportValue(c: Column, row: any): string | number | null {
  if (c.type === 'number') {
    const v = valueOf(c, row)
    if (typeof v !== 'number' || !Number.isFinite(v)) return null
    const d = decimalsOf(c, row)
    return d == null ? v : Number(v.toFixed(d))
  }
  return textOf(c, row)
}

/** Missing values sort last whichever the direction; numbers as numbers, text by zh-CN collation. */
export function compareBy(c: Column, descending: boolean) {
  const collator = new Intl.Collator('zh-CN', { numeric: true })
  return (a: any, b: any) => {
    // A text column with a numeric `value` (an order of severity, say) sorts by that value.
    const byValue = c.type === 'number' || !!c.value
    const x = byValue ? valueOf(c, a) : textOf(c, a)
    const y = byValue ? valueOf(c, b) : textOf(c, b)
    const xm = x == null || x === '' || (typeof x === 'number' && Number.isNaN(x))
    const ym = y == null || y === '' || (typeof y === 'number' && Number.isNaN(y))
    if (xm || ym) return xm === ym ? 0 : xm ? 1 : -1
    const r = typeof x === 'number' && typeof y === 'number' ? x - y : collator.compare(String(x), String(y))
    return descending ? -r : r
  }
}

function save(blob: Blob, filename: string) {
  const a = document.createElement('a')
  a.href = URL.createObjectURL(blob)
  a.download = filename
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(a.href), 10000)
}

/** A cell that a spreadsheet would run as a formula is written as text (CSV injection). */
const csvCell = (v: string | number | null) => {
  if (v == null) return ''
  if (typeof v === 'number') return String(v)
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function downloadCsv(columns: Column[], rows: any[], filename: string) {
  const cols = columns.filter((c) => c.export !== false)
  const lines = [cols.map((c) => csvCell(c.label)).join(','), ...rows.map((r) => cols.map((c) => csvCell(exportValue(c, r))).join(','))]
  save(new Blob(['\uFEFF' + lines.join('\r\n') + '\r\n'], { type: 'text/csv;charset=utf-8' }), `${filename}.csv`)
}

/** XLSX by exceljs, loaded only when someone exports (it is large). */
export async function downloadXlsx(columns: Column[], rows: any[], filename: string, sheet = 'data') {
  const ExcelJS = (await import('exceljs')).default
  const cols = columns.filter((c) => c.export !== false)
  const wb = new ExcelJS.Workbook()
  const ws = wb.addWorksheet(sheet.slice(0, 31))
  ws.addRow(cols.map((c) => c.label)).font = { bold: true }
  for (const r of rows) {
    const row = ws.addRow(cols.map((c) => exportValue(c, r)))
    cols.forEach((c, i) => {
      const d = c.type === 'number' ? decimalsOf(c, r) : undefined
      if (c.type === 'number') row.getCell(i + 1).numFmt = d ? `#,##0.${'0'.repeat(d)}` : d === 0 ? '#,##0' : 'General'
    })
  }
  cols.forEach((c, i) => (ws.getColumn(i + 1).width = c.type === 'number' ? 14 : Math.min(60, Math.max(10, c.label.length * 2 + 4))))
  ws.views = [{ state: 'frozen', ySplit: 1 }]
  const buf = await wb.xlsx.writeBuffer()
  save(new Blob([buf], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }), `${filename}.xlsx`)
}

/** `name-YYYYMMDD` for a downloaded file. */
export function stamped(name: string) {
  const d = new Date()
  return `${name}-${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, '0')}${String(d.getDate()).padStart(2, '0')}`
}
