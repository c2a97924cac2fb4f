// Renderer entry: global styles, then the app mounted into #app.
import { mount } from 'svelte'
import './styles/app.css'
import App from './App.svelte'
import { initTheme } from './lib/theme'

initTheme()

mount(App, { target: document.getElementById('app')! })
