// Page timings of the staff console in Debian's Chromium: for each page of the signed-in person's menu, from changing
// the route to the page drawn (its API calls answered and rendered), six times; median and worst, in a markdown table.
// Usage: node timing.js <base address> <username> <password> <label>
const { chromium } = require('playwright-core');
const [base, user, password, label] = process.argv.slice(2);
(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  const drawn = (hash) => page.waitForFunction((h) => document.querySelector('#view').dataset.route === h, hash);
  let t0 = Date.now();
  await page.goto(base + '/');
  await page.fill('#username', user);
  await page.fill('#password', password);
  await page.click('#signin-button');
  await page.waitForFunction(() => (document.querySelector('#view').dataset.route || '').length > 0);
  const first = Date.now() - t0;
  const routes = await page.$$eval('#nav a[data-path]', (as) => as.map((a) => a.dataset.path));
  const rows = [];
  for (const route of routes.concat(['orders/list/overdue'])) {
    const times = [];
    for (let i = 0; i < 6; i++) {
      // From another page each time, so that every measurement is a real change of route.
      const away = route === 'orders' ? '#/urgent' : '#/orders';
      await page.evaluate((h) => (location.hash = h), away);
      await drawn(away);
      t0 = Date.now();
      await page.evaluate((h) => (location.hash = h), '#/' + route);
      await drawn('#/' + route);
      times.push(Date.now() - t0);
    }
    times.sort((a, b) => a - b);
    rows.push(`| ${route} | ${times[3]} ms | ${times[5]} ms |`);
  }
  console.log(`\n### ${label}: ${user}\n\nSign-in to the first page drawn (cold browser, scripts not cached): ${first} ms\n`);
  console.log('| page | median | worst of 6 |\n|---|---|---|\n' + rows.join('\n'));
  await browser.close();
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
