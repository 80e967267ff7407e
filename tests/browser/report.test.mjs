// report.html in Debian's Chromium, driven by puppeteer-core (tests/browser/package.json):
// studies made by the real `tunelab run` (command objectives: sh scripts, so no data set is
// needed), their pages opened from file://. Run by ctest (tests/CMakeLists.txt) as
//   node tests/browser/report.test.mjs
// with TUNELAB_BIN (the folder of the tunelab executable) and optionally CHROMIUM set. Exits 77
// (ctest: skipped) with the reason when Chromium or node_modules is missing.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

const here = dirname(fileURLToPath(import.meta.url));
const chromium = process.env.CHROMIUM || ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(existsSync);
const tunelab = join(process.env.TUNELAB_BIN || join(here, '../../build/release/bin'), 'tunelab');
function skip(reason) {
  console.log('SKIP: ' + reason);
  process.exit(77);
}
if (!chromium || !existsSync(chromium)) skip('no Chromium (apt-get install chromium, as scripts/setup does)');
if (!existsSync(join(here, 'node_modules/puppeteer-core'))) skip('no tests/browser/node_modules (npm ci --prefix tests/browser, as scripts/setup does)');
if (!existsSync(tunelab)) skip('no tunelab executable at ' + tunelab);
const { default: puppeteer } = await import('puppeteer-core');

const work = mkdtempSync(join(tmpdir(), 'tunelab-browser-'));
let browser;

// A study of `program` (an sh script taking the trial's parameters) in its own folder.
function makeStudy(name, yaml, program, extraArgs = []) {
  const dir = join(work, name);
  spawnSync('mkdir', ['-p', dir]);
  writeFileSync(join(dir, 'exp.yaml'), yaml);
  writeFileSync(join(dir, 'program.sh'), program);
  return { dir, args: ['run', 'exp.yaml', ...extraArgs], report: join(dir, 'out', 'report.html') };
}
function runStudy(study) {
  const r = spawnSync(tunelab, study.args, { cwd: study.dir, encoding: 'utf8', timeout: 300000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  return study.report;
}

// A page opened from file://, with every console error, page error and request it makes.
async function open(file, width = 1280) {
  const page = await browser.newPage();
  await page.setViewport({ width, height: 900 });
  const seen = { errors: [], requests: [] };
  page.on('console', (m) => { if (m.type() === 'error') seen.errors.push(m.text()); });
  page.on('pageerror', (e) => seen.errors.push(String(e)));
  page.on('request', (r) => seen.requests.push(r.url()));
  const started = Date.now();
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  await page.waitForFunction(() => document.documentElement.dataset.drawn === 'true', { timeout: 10000 });
  seen.loadMs = Date.now() - started;
  return { page, seen };
}

const grid = `name: browser-grid
objective: {command: [sh, program.sh, $optimizer, $units, $rate]}
search:
  strategy: grid
  metric: val_loss
  parameters:
    optimizer: {values: [adam, sgd, {type: rmsprop, rho: 0.9}]}
    units: {values: [8, 16]}
    rate: {values: [0.1, 0.01]}
execution: {storage: study.db, output: out, parallel_trials: 2, report_every: 0}
`;
// 4 epochs; sgd is worse, and fails outright with 16 units and rate 0.1.
const gridProgram = `case "$1" in sgd) base=0.8 ;; adam) base=0.3 ;; *) base=0.5 ;; esac
if [ "$1" = sgd ] && [ "$2" = 16 ] && [ "$3" = 0.1 ]; then echo "diverged: <b>sgd</b>" >&2; exit 3; fi
awk -v b=$base -v u=$2 -v r=$3 'BEGIN { for (e = 1; e <= 4; e++)
  printf "{\\"loss\\": %g, \\"val_loss\\": %g}\\n", b + 1/e + u/1000, b + 1.2/e + r }'
`;

before(async () => {
  browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--allow-file-access-from-files'],
  });
});
after(async () => { if (browser) await browser.close(); });

let gridReport;
function gridStudy() {
  if (!gridReport) gridReport = runStudy(makeStudy('grid', grid, gridProgram));
  return gridReport;
}

test('the report loads from file:// with no console error, no network request and no sideways scrolling', async () => {
  const { page, seen } = await open(gridStudy());
  assert.deepEqual(seen.errors, []);
  const elsewhere = seen.requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'));
  assert.deepEqual(elsewhere, []);
  for (const id of ['history', 'importance', 'effects', 'parallel', 'trials', 'curves', 'failures']) {
    assert.ok(await page.$('#' + id), 'section #' + id);
  }
  const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(widths[0] <= widths[1], 'page ' + widths[0] + ' px wide in a ' + widths[1] + ' px window');
  // The mapping value reads as a person writes it, in the table and the effect plots.
  const cells = await page.$$eval('table.trials td.param', (tds) => tds.map((td) => td.textContent));
  assert.ok(cells.includes('rmsprop(rho=0.9)'), cells.join(' | '));
  // The optimizer moves val_loss by up to 0.5, the rate by 0.09, units not at all. One trial
  // failed, so the complete ones are not a full grid: the page says its shares are an estimate.
  const note = await page.$eval('#importance p.note', (p) => p.textContent);
  assert.match(note, /estimate/);
  const first = await page.$eval('#importance .bars span', (s) => s.textContent);
  assert.equal(first, 'optimizer');
  await page.close();
});

test('sorting and filtering the trial table', async () => {
  const { page } = await open(gridStudy());
  const column = async (id) => page.$$eval('table.trials tbody tr', (rows, i) => rows.map((r) => r.children[i].textContent),
    await page.$$eval('table.trials thead tr:last-child th', (ths, c) => ths.findIndex((th) => th.dataset.column === c), id));
  await page.click('th[data-column="value"]');
  let values = (await column('value')).filter((v) => v !== '').map(Number);
  assert.deepEqual(values, [...values].sort((a, b) => a - b));
  await page.click('th[data-column="value"]');
  values = (await column('value')).filter((v) => v !== '').map(Number);
  assert.deepEqual(values, [...values].sort((a, b) => b - a));
  await page.click('th[data-column="trial"]');
  const ids = (await column('trial')).map(Number);
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
  assert.equal(ids.length, 12);

  await page.type('.controls input[type=search]', 'units=16 adam');
  const kept = await page.$$eval('table.trials tbody tr', (rows) => rows.length);
  assert.equal(kept, 2, 'adam with 16 units: two rates');
  const params = await column('param:units');
  assert.deepEqual(params, ['16', '16']);
  await page.select('.controls select[aria-label=status]', 'failed');
  assert.equal(await page.$$eval('table.trials tbody tr', (rows) => rows.length), 0);
  await page.$eval('.controls input[type=search]', (i) => { i.value = ''; i.dispatchEvent(new Event('input')); });
  assert.equal(await page.$$eval('table.trials tbody tr', (rows) => rows.length), 1, 'the one failed trial');
  await page.close();
});

test('clicking a trial shows its parameters, error and learning curves', async () => {
  const { page } = await open(gridStudy());
  const rows = await page.$$('table.trials tbody tr');
  const key = await rows[3].evaluate((r) => r.dataset.trial);
  await rows[3].click();
  await page.waitForSelector('#trial-detail:not([hidden]) canvas');
  const heading = await page.$eval('#trial-detail h3', (h) => h.textContent);
  assert.match(heading, new RegExp('^Trial ' + key.split(':')[1] + ':'));
  // loss and val_loss share one chart (val_ twins), with the best epoch marked.
  const captions = await page.$$eval('#trial-detail figcaption', (f) => f.map((x) => x.textContent));
  assert.deepEqual(captions, ['loss']);
  const legend = await page.$$eval('#trial-detail .u-legend th', (th) => th.map((x) => x.textContent.trim()));
  assert.ok(legend.includes('loss') && legend.includes('val_loss'), legend.join(','));

  await page.select('.controls select[aria-label=status]', 'failed');
  await page.click('table.trials tbody tr');
  const error = await page.$eval('#trial-detail pre.error', (p) => p.textContent);
  assert.match(error, /diverged: <b>sgd<\/b>/);
  await page.close();
});

test('a study whose name, parameters, values and errors carry HTML and script injects nothing', async () => {
  const evil = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
  // A name is one part of a file name (no '/'): its markup is an opening tag that never ends.
  const evilName = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2';
  const yaml = `name: ${JSON.stringify('study ' + evilName)}
objective: {command: [sh, program.sh, $p, ${JSON.stringify('${param ' + evil + '}')}]}
search:
  strategy: grid
  metric: loss
  parameters:
    p: {values: [${JSON.stringify('value ' + evil)}, "ok"]}
    ${JSON.stringify('param ' + evil)}: {values: [1, 2]}
execution: {storage: study.db, output: out, report_every: 0}
`;
  const program = `if [ "$1" = ok ]; then echo '{"loss": 1}'; echo '{"loss": 0.5}'; else echo "error $1 </script>" >&2; exit 1; fi\n`;
  const study = makeStudy('hostile', yaml, program);
  runStudy(study);
  const { page, seen } = await open(study.report);
  assert.deepEqual(seen.errors, []);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.equal(await page.$$eval('img', (i) => i.length), 0);
  assert.equal(await page.$$eval('script', (s) => s.length), 3, 'the data, uPlot and the report');
  await page.select('.controls select[aria-label=status]', 'failed');
  await page.click('table.trials tbody tr');
  const text = await page.evaluate(() => document.body.innerText);
  assert.ok(text.includes('study ' + evilName), 'the name as text');
  assert.ok(text.includes('value ' + evil), 'the value as text');
  assert.ok(text.includes('param ' + evil), 'the parameter name as text');
  assert.ok(text.includes('</script>'), 'the error as text');
  await page.close();
});

test('the live page reloads itself and picks up a new epoch', async () => {
  const yaml = `name: live
objective: {command: [sh, program.sh, $x]}
search:
  strategy: grid
  metric: loss
  parameters:
    x: {values: [1]}
execution: {storage: study.db, output: out, report_every: 0.5s}
`;
  const program = 'for e in 1 2 3 4 5 6 7 8; do echo "{\\"loss\\": $e}"; sleep 0.7; done\n';
  const study = makeStudy('live', yaml, program);
  const child = spawn(tunelab, study.args, { cwd: study.dir, stdio: 'ignore' });
  const ended = new Promise((resolve) => child.on('exit', resolve));
  try {
    const deadline = Date.now() + 20000;
    while (!existsSync(study.report) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const { page, seen } = await open(study.report);
    const epochsShown = () => page.evaluate(() => {
      const c = document.querySelector('#live figure.running figcaption');
      const m = c && c.textContent.match(/: (\d+) epochs/);
      return m ? Number(m[1]) : 0;
    });
    let first = 0;
    while (first === 0 && Date.now() < deadline) {
      first = await epochsShown().catch(() => 0);
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(first > 0, 'the running trial shows its epochs so far');
    let later = first;
    while (later <= first && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      later = await epochsShown().catch(() => first);
    }
    assert.ok(later > first, `the page went from ${first} to ${later} epochs by itself`);
    assert.deepEqual(seen.errors, []);
    await page.close();
  } finally {
    await ended;
  }
  // The finished study's page no longer reloads: it is not live.
  const html = readFileSync(study.report, 'utf8');
  assert.match(html, /"live":null/);
});

test('the report of a 1,000-trial study weighs under 5 MB and opens in under 2 s', async () => {
  const yaml = `name: thousand
objective: {command: [sh, program.sh, $a, $b, $c]}
search:
  strategy: random
  max_trials: 1000
  metric: val_loss
  parameters:
    a: {min: 0.0001, max: 1, distribution: log_uniform}
    b: {values: [relu, tanh, elu, selu]}
    c: {min: 1, max: 8}
execution: {storage: study.db, output: out, parallel_trials: 2, report_every: 0}
`;
  const program = `awk -v a=$1 -v c=$3 'BEGIN { v = a + c / 10; for (e = 1; e <= 20; e++)
  printf "{\\"loss\\": %g, \\"val_loss\\": %g, \\"accuracy\\": 0.5, \\"val_accuracy\\": 0.5}\\n", v + 1/e, v + 1.1/e }'
`;
  const report = runStudy(makeStudy('thousand', yaml, program));
  const bytes = statSync(report).size;
  assert.ok(bytes < 5 * 1024 * 1024, `${bytes} bytes`);
  const { page, seen } = await open(report);
  assert.deepEqual(seen.errors, []);
  assert.ok(seen.loadMs < 2000, `opened and drawn in ${seen.loadMs} ms`);
  assert.equal(await page.$$eval('table.trials tbody tr', (r) => r.length), 100, 'the first 100 rows');
  await page.click('#trials button.more');
  assert.equal(await page.$$eval('table.trials tbody tr', (r) => r.length), 1000);
  console.log(`1,000 trials: ${(bytes / 1e6).toFixed(2)} MB, opened and drawn in ${seen.loadMs} ms`);
  await page.close();
});
