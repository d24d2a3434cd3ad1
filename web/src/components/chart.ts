// Chart export: PNG from the chart as drawn (twice the pixels, white ground), SVG by drawing the
// same option once more with ECharts' SVG renderer (the pages draw on canvas, which has no SVG).
import * as echarts from 'echarts'
import type { ECharts } from 'echarts'
import { tr as t } from '../i18n.js'
import './table' // the table.* messages (the toolbox titles)

function save(href: string, filename: string) {
  const a = document.createElement('a')
  a.href = href
  a.download = filename
  document.body.appendChild(a)
  a.click()
  a.remove()
}

export function exportChart(chart: ECharts | null | undefined, format: 'png' | 'svg', name: string) {
  if (!chart || chart.isDisposed()) return
  if (format === 'png') {
    save(chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' }), `${name}.png`)
    return
  }
  const svg = echarts.init(null, null, { renderer: 'svg', ssr: true, width: chart.getWidth(), height: chart.getHeight() })
  try {
    const option = chart.getOption() as echarts.EChartsOption
    svg.setOption({ ...option, animation: false, toolbox: { show: false }, backgroundColor: '#fff' })
    const url = URL.createObjectURL(new Blob([svg.renderToSVGString()], { type: 'image/svg+xml' }))
    save(url, `${name}.svg`)
    setTimeout(() => URL.revokeObjectURL(url), 10000)
  } finally {
    svg.dispose()
  }
}

// An icon for ECharts' toolbox (a page outline with a corner), for the SVG feature.
const SVG_ICON = 'path://M4,2 L14,2 L20,8 L20,22 L4,22 Z M14,2 L14,8 L20,8'

/** A toolbox with PNG and SVG export, for charts whose page has no room for buttons. */
export function chartToolbox(name: string) {
  const of = (api: { getDom: () => HTMLElement }) => echarts.getInstanceByDom(api.getDom())
  return {
    // At the top right corner (ECharts' default), 15 px icons with 5 px padding and 8 px between.
    left: 'right',
    top: 'top',
    feature: {
      myPng: { show: true, title: t('table.png'), icon: 'path://M2,4 L22,4 L22,20 L2,20 Z M2,16 L8,10 L13,15 L16,12 L22,18', onclick: (_m: unknown, api: any) => exportChart(of(api), 'png', name) },
      mySvg: { show: true, title: t('table.svg'), icon: SVG_ICON, onclick: (_m: unknown, api: any) => exportChart(of(api), 'svg', name) },
    },
  }
}
