// Page helpers for the renderer: screenshots to tests/artifacts and the live chart's point counts.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Locator, Page } from '@playwright/test'
import { ROOT } from './server'

export const ARTIFACTS = join(ROOT, 'tests/artifacts')

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true })
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true })
}

/**
 * Scroll the column holding `testid` so that it starts at the top (only that column: scrollIntoView
 * would also shift the whole window, which a user cannot do).
 */
export async function scrollToCard(page: Page, testid: string): Promise<void> {
  await page.getByTestId(testid).evaluate((el) => {
    let col: HTMLElement | null = el.parentElement
    while (col && !(col.scrollHeight > col.clientHeight && /(auto|scroll)/.test(getComputedStyle(col).overflowY)))
      col = col.parentElement
    if (col) col.scrollTop += el.getBoundingClientRect().top - col.getBoundingClientRect().top - 2
  })
}

/** A screenshot of one element (the columns scroll on their own, so a page shot shows the viewport). */
export async function shotOf(locator: Locator, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true })
  await locator.screenshot({ path: join(ARTIFACTS, `${name}.png`) })
}

/** Start recording every value the chart's data-points attribute takes (read with `pointHistory`). */
export async function recordChartPoints(page: Page): Promise<void> {
  await page.evaluate(() => {
    const el = document.querySelector('[data-testid="loss-chart"]')!
    const w = window as unknown as { __points: { n: number; phase: string }[] }
    w.__points = []
    const phase = () => document.querySelector('[data-testid="progress"]')?.getAttribute('data-phase') ?? ''
    new MutationObserver(() => w.__points.push({ n: Number(el.getAttribute('data-points')), phase: phase() })).observe(
      el,
      { attributes: true, attributeFilter: ['data-points'] }
    )
  })
}

export function pointHistory(page: Page): Promise<{ n: number; phase: string }[]> {
  return page.evaluate(() => (window as unknown as { __points: { n: number; phase: string }[] }).__points)
}

export async function chartPoints(page: Page): Promise<number> {
  return Number(await page.getByTestId('loss-chart').getAttribute('data-points'))
}

/** Form controls and buttons that have no accessible name (label, aria-label(ledby) or text). */
export function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const named = (el: Element) => {
      const e = el as HTMLInputElement
      if (e.labels && e.labels.length) return true
      if (el.getAttribute('aria-label')?.trim()) return true
      const by = el.getAttribute('aria-labelledby')
      if (by && by.split(/\s+/).some((id) => document.getElementById(id)?.textContent?.trim())) return true
      return el.tagName === 'BUTTON' && !!el.textContent?.trim()
    }
    return [...document.querySelectorAll('input, select, textarea, button')]
      .filter((el) => !named(el))
      .map((el) => el.outerHTML.slice(0, 120))
  })
}
