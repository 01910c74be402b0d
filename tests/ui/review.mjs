// The review page of `amity review` in Debian's headless Chromium:
//
//   node tests/ui/review.mjs 'http://127.0.0.1:PORT/?token=SECRET' OUTDIR
//
// Run by tests/ui_e2e.rs against a review server over a fresh extraction of the seed report.
// Filters by kind, status and confidence, works a fact with the keyboard (j, a, k, r, e, Esc:
// its sentence highlighted, its rule shown), then accepts two facts (the Minsk plan, the
// Bottrop memorandum), rejects one (the Olmazor letter of intent), writes the accepted ones
// into data/ and checks the page says they were validated.
// The page is opened with this run's secret in its URL, as `amity review` prints it; the page
// must take it out of the address bar, and a request from the page without it must get 403.
// Fails on any console error, page error or request leaving 127.0.0.1.
import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [base, outDir] = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });
const profile = mkdtempSync(join(tmpdir(), 'amity-review-'));
const problems = [];
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  viewport: { width: 1300, height: 900 },
});
const origin = new URL(base).origin;
await context.route('**/*', (route) => {
  const url = route.request().url();
  if (url.startsWith(origin) || url.startsWith('data:')) return route.continue();
  problems.push(`request outside the server: ${url}`);
  return route.abort();
});
const page = context.pages()[0] || (await context.newPage());
page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));

const fact = (quote) => page.locator('.fact', { hasText: quote }).first();
try {
  await page.goto(base);
  await page.waitForSelector('.fact');
  if (page.url().includes('token=')) throw new Error(`the secret stays in the address bar: ${page.url()}`);
  const without = (await context.request.get(`${origin}/api/review`)).status();
  if (without !== 403) throw new Error(`a request without the secret got ${without}, not 403`);
  const sentence = page.locator('.sentence', { hasText: '门头沟区' });
  if (await sentence.locator('mark.place').count() < 2) throw new Error('mentions are highlighted in the sentence');
  // The keyboard and the filters, as a reviewer of a long report works: show one kind, j to
  // the first fact (its sentence highlighted), a to accept, k back, r to reject (so nothing of
  // it is written), e into its counterparts field and Esc out.
  await page.selectOption('#f-kind', 'leader_meeting');
  const shownCount = await page.evaluate(() => document.querySelectorAll('.fact:not([hidden])').length);
  const total = await page.evaluate(() => document.querySelectorAll('.fact').length);
  if (!(shownCount > 0 && shownCount < total)) throw new Error(`kind filter shows ${shownCount} of ${total}`);
  if (!/ of \d+ shown/.test(await page.textContent('#count'))) throw new Error('the count of shown facts');
  await page.keyboard.press('j');
  await page.waitForSelector('.fact.focused');
  const focusedKind = await page.textContent('.fact.focused .kind');
  if (focusedKind.trim() !== 'leader_meeting') throw new Error(`j focused a ${focusedKind}`);
  if (await page.locator('.sentence.current').count() !== 1) throw new Error('the focused fact\'s sentence is highlighted');
  if (!(await page.textContent('.fact.focused .rule')).includes('meet: ')) throw new Error('the rule is shown');
  const first = await page.getAttribute('.fact.focused', 'data-fact');
  await page.keyboard.press('a');
  await page.waitForSelector(`.fact[data-fact="${first}"].accepted`);
  await page.keyboard.press('k');
  await page.waitForSelector(`.fact[data-fact="${first}"].focused`);
  await page.keyboard.press('r');
  await page.waitForSelector(`.fact[data-fact="${first}"].rejected`);
  await page.keyboard.press('k');
  await page.keyboard.press('e');
  if (!(await page.evaluate(() => document.activeElement?.classList.contains('cps')))) throw new Error('e focuses the counterparts field');
  await page.keyboard.press('Escape');
  await page.selectOption('#f-status', 'rejected');
  if (await page.evaluate(() => document.querySelectorAll('.fact:not([hidden])').length) !== 1) throw new Error('status filter');
  await page.selectOption('#f-status', '');
  await page.selectOption('#f-kind', '');
  await page.fill('#f-conf', '0.95');
  await page.dispatchEvent('#f-conf', 'input');
  const confident = await page.evaluate(() => document.querySelectorAll('.fact:not([hidden])').length);
  if (!(confident < total)) throw new Error(`confidence ≥ 0.95 shows ${confident} of ${total}`);
  await page.fill('#f-conf', '0');
  await page.dispatchEvent('#f-conf', 'input');
  await fact('与明斯克签署两市合作发展计划').locator('button[data-act=accepted]').click();
  await page.waitForFunction(() => document.querySelectorAll('.fact.accepted').length === 1);
  await fact('门头沟区与德国北威州博特罗普市签署友好交流备忘录').locator('button[data-act=accepted]').click();
  await page.waitForFunction(() => document.querySelectorAll('.fact.accepted').length === 2);
  await fact('石景山区与乌兹别克斯坦塔什干市奥尔马佐尔区签署友好关系意向书').locator('button[data-act=rejected]').click();
  await page.waitForSelector('.fact.rejected');
  await page.screenshot({ path: join(outDir, 'review.png'), fullPage: false });
  await page.click('#commit');
  await page.waitForFunction(() => /written|HTTP|error|cannot|refused/i.test(document.querySelector('#status').textContent)
    && !document.querySelector('#status').textContent.startsWith('writing'), null, { timeout: 60000 });
  const status = await page.textContent('#status');
  if (!status.includes('written and validated') || !status.includes('agreements.csv +2')) throw new Error(`status after writing: ${status}`);
  console.log(`status: ${status}`);
} catch (e) {
  problems.push(e.message);
  await page.screenshot({ path: join(outDir, 'review-failed.png') }).catch(() => {});
}
await context.close();
rmSync(profile, { recursive: true, force: true });
if (problems.length) {
  console.error(`${problems.length} problem(s):\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log('review page checks passed');
