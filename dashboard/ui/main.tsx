import { render } from 'preact'
import 'uplot/dist/uPlot.min.css'
import './styles.css'
import { App } from './app.tsx'
import { readSettings } from './settings.ts'

render(<App settings={readSettings()} />, document.getElementById('app')!)
