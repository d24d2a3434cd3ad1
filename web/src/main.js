import { createApp } from 'vue'
import ElementPlus from 'element-plus'
import 'element-plus/dist/index.css'
// Element Plus's dark variables, used by the dashboard's 大屏 mode (html.dark).
import 'element-plus/theme-chalk/dark/css-vars.css'
// After Element Plus: its palette with AA contrast.
import './theme.css'
import './print.css'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import App from './App.vue'
import { router } from './router.js'
import { i18n } from './i18n.js'

createApp(App).use(ElementPlus, { locale: zhCn }).use(router).use(i18n).mount('#app')
