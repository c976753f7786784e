#!/usr/bin/env node
'use strict';
// `npm run screenshots`: retakes docs/screenshots/*.png, the package's nodes in the real n8n
// editor. A maintainer tool, not a test: CI does not run it (it refuses to under CI=true unless
// given --in-ci). It starts what `npm start` starts (test/tools/start/start.js: the pinned n8n, installed
// once into the cache, with the packed package, the sandbox credential and the examples), then a
// headless Chromium from the system (apt-get install -y chromium) driven by playwright-core: logs
// in as the demo user, opens the examples and saves one PNG per view. Every wait is bounded, and
// everything it started (n8n, the sandbox, Chromium and its helpers) is stopped by pid at the end,
// also on a failure, a Ctrl-C or the overall deadline.
//
//   npm run screenshots [-- --line 1|2] [--out docs/screenshots] [--headed]
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { chromium } = require('playwright-core');

const { descendants, sleep } = require('../../e2e/lib/proc');
const { workflowId } = require('../../e2e/lib/workflows');
const { startEditor, CREDENTIAL } = require('../start/start');

const REPO = path.join(__dirname, '..', '..', '..');
const option = (name, fallback) => {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? process.argv[i + 1] : fallback;
};
const CHROMIUM = process.env.PORTALDUCT_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
];
const VIEWPORT = { width: 1280, height: 800 };
const ACTION_TIMEOUT_MS = 30_000; // any one click, fill or wait in the page
const DEADLINE_MS = 20 * 60_000; // the whole run, a first install of n8n (about 5 minutes) included

// The examples' nodes, by the ids they have in examples/*.json.
const ONBOARDING = { workflow: workflowId('onboarding'), getBalance: '0b7c3f0e-1d2a-4c55-9a10-000000000006' };
const STATUS_ALERTS = { workflow: workflowId('status-alerts'), trigger: '9e8d7c6b-5a49-4382-9170-000000000001' };

/** Chromium's pid and its helpers' (zygote, renderers, GPU...), while Chromium runs. */
function chromiumPids(server) {
	const proc = server?.process();
	if (!proc?.pid || proc.exitCode !== null || proc.signalCode !== null) return [];
	return [proc.pid, ...descendants(proc.pid)];
}

/** SIGKILLs those of the pids that are still Chromium's (a pid freed meanwhile may be reused). */
function killChromium(pids) {
	for (const pid of pids) {
		try {
			if (!fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('chromium')) continue;
			process.kill(pid, 'SIGKILL');
		} catch {
			// gone already
		}
	}
}

/** Rejects after ms with a message naming what took too long. */
function within(ms, what, promise) {
	let timer;
	return Promise.race([
		promise,
		new Promise((_, reject) => {
			timer = setTimeout(() => reject(new Error(`${what}: no result after ${ms / 1000} s`)), ms);
		}),
	]).finally(() => clearTimeout(timer));
}

/** Closes whatever n8n pops up over the canvas (tips, surveys, "what's new"), if anything. */
async function dismissPopups(page) {
	await page.keyboard.press('Escape').catch(() => undefined);
	for (const selector of ['[data-test-id="close-button"]', '.el-notification__closeBtn', '.el-message-box__close']) {
		for (const button of await page.locator(selector).all()) await button.click({ timeout: 2_000 }).catch(() => undefined);
	}
}

async function logIn(page, url, user) {
	await page.goto(`${url}/signin`);
	await page.locator('input[type="email"], input[name="email"], input[name="emailOrLdapLoginId"]').first().fill(user.email);
	await page.locator('input[type="password"]').first().fill(user.password);
	await page.getByRole('button', { name: /sign in/i }).click();
	await page.waitForURL((u) => !u.pathname.startsWith('/signin'));
}

/** Opens a workflow and waits until its nodes are drawn and the view has settled. */
async function openWorkflow(page, url, id, nodeCount) {
	await page.goto(`${url}/workflow/${id}`);
	const nodes = page.locator('[data-test-id="canvas-node"]');
	await nodes.nth(nodeCount - 1).waitFor();
	await dismissPopups(page);
	await sleep(1_000); // the fit-to-view animation
}

/** Double-clicks a node on the canvas and waits for its panel (n8n's node details view). */
async function openNode(page, name) {
	await page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`).dblclick();
	const panel = page.locator('[data-test-id="ndv"]');
	await panel.waitFor();
	await sleep(500);
	return panel;
}

async function shoot(page, out, name, what, shots) {
	const file = path.join(out, `${name}.png`);
	await page.screenshot({ path: file });
	shots.push({ file: path.relative(REPO, file), what, bytes: fs.statSync(file).size });
	console.log(`  ${path.relative(REPO, file)}  ${what}`);
}

async function takeAll(page, editor, out) {
	const { url } = editor.n8n;
	const shots = [];
	await logIn(page, url, editor.user);

	const onboarding = editor.workflows.find((wf) => wf.id === ONBOARDING.workflow);
	const alerts = editor.workflows.find((wf) => wf.id === STATUS_ALERTS.workflow);
	if (!onboarding || !alerts) throw new Error('examples/onboarding.json or examples/status-alerts.json was not imported');
	const nodeName = (wf, id) => wf.nodes.find((n) => n.id === id)?.name;

	await openWorkflow(page, url, onboarding.id, onboarding.nodes.filter((n) => !/stickyNote$/.test(n.type)).length);
	await shoot(page, out, 'onboarding-workflow', `the canvas of "${onboarding.name}"`, shots);

	await openNode(page, nodeName(onboarding, ONBOARDING.getBalance));
	// Open the Options collection's list, so the picture shows what can be set there.
	await page.locator('[data-test-id="ndv"] input[placeholder="Add option" i]').first().click();
	await sleep(500);
	await shoot(page, out, 'node-client-get-balance', 'the PortalDuct node, Client > Get Balance, with its Options list open', shots);
	await page.keyboard.press('Escape');

	await openWorkflow(page, url, alerts.id, alerts.nodes.filter((n) => !/stickyNote$/.test(n.type)).length);
	await openNode(page, nodeName(alerts, STATUS_ALERTS.trigger));
	await shoot(page, out, 'trigger', `the PortalDuct Trigger of "${alerts.name}"`, shots);
	await page.keyboard.press('Escape');

	await page.goto(`${url}/home/credentials/${CREDENTIAL.id}`);
	await page.locator('[data-test-id="editCredential-modal"]').waitFor();
	await sleep(1_000); // n8n 2.x tests the credential on opening; let the result show
	await shoot(page, out, 'credential', `the "${CREDENTIAL.name}" credential (PortalDuct API)`, shots);
	return shots;
}

async function main() {
	if (process.env.CI && !process.argv.includes('--in-ci')) {
		console.log('npm run screenshots is a maintainer tool and does not run in CI (give --in-ci to run it anyway).');
		return;
	}
	if (!fs.existsSync(CHROMIUM)) {
		throw new Error(`no Chromium at ${CHROMIUM}: install it with "apt-get update && apt-get install -y chromium" (or set PORTALDUCT_CHROMIUM)`);
	}
	const out = path.resolve(REPO, option('out', path.join('docs', 'screenshots')));
	fs.mkdirSync(out, { recursive: true });

	let stopEditor;
	let server; // Chromium, as a playwright browser server: its process() is the pid we stop
	let stopped;
	const cleanUp = () =>
		(stopped ??= (async () => {
			const pids = chromiumPids(server);
			await within(15_000, 'closing Chromium', server?.close() ?? Promise.resolve()).catch(() => undefined);
			killChromium(pids);
			await within(60_000, 'stopping n8n and the sandbox', stopEditor?.() ?? Promise.resolve()).catch((e) => console.error(e.message));
		})());
	const abort = (why) => {
		console.error(`\n${why}: stopping n8n, the sandbox and Chromium...`);
		void cleanUp().then(() => process.exit(1));
	};
	process.on('SIGINT', () => abort('Interrupted'));
	process.on('SIGTERM', () => abort('Terminated'));
	process.on('uncaughtException', (error) => abort(`Failed: ${error.message}`));
	process.on('unhandledRejection', (error) => abort(`Failed: ${error?.message ?? error}`));
	// A closed terminal or pipe must not end this process before it has stopped what it started.
	for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
	// Last resort if this process exits anyway: n8n and Chromium are killed by pid, synchronously.
	process.on('exit', () => {
		editor?.n8n.server?.killNow();
		killChromium(chromiumPids(server));
	});
	const deadline = setTimeout(() => abort(`Not done after ${DEADLINE_MS / 60_000} minutes`), DEADLINE_MS);

	let editor;
	try {
		editor = await startEditor({
			lineNo: Number(option('line', '2')),
			portOptions: {}, // no port options here: a taken port is only said
			log: (line) => console.log(line),
			onStop: (fn) => (stopEditor = fn),
		});
		console.log(`n8n ${editor.line.version} is up at ${editor.n8n.url}; starting Chromium (${CHROMIUM})...`);
		server = await chromium.launchServer({
			executablePath: CHROMIUM,
			args: CHROMIUM_ARGS,
			headless: !process.argv.includes('--headed'),
			timeout: 60_000,
		});
		const browser = await within(60_000, 'connecting to Chromium', chromium.connect(server.wsEndpoint(), { timeout: 60_000 }));
		const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1, locale: 'en-US', timezoneId: 'UTC' });
		context.setDefaultTimeout(ACTION_TIMEOUT_MS);
		context.setDefaultNavigationTimeout(ACTION_TIMEOUT_MS);
		const page = await context.newPage();
		console.log(`Taking screenshots into ${path.relative(REPO, out) || '.'}:`);
		const shots = await within(5 * 60_000, 'taking the screenshots', takeAll(page, editor, out)).catch(async (error) => {
			// What the page showed when it went wrong, to see which step and why.
			const failed = path.join(os.tmpdir(), 'portalduct-screenshots-failure.png');
			await within(15_000, 'the failure screenshot', page.screenshot({ path: failed }))
				.then(() => (error.message += `\n(the page at that moment: ${failed})`))
				.catch(() => undefined);
			throw error;
		});
		const kb = shots.reduce((sum, s) => sum + s.bytes, 0) / 1024;
		console.log(`${shots.length} screenshots, ${Math.round(kb)} KB in all. Look at each before committing.`);
		if (!editor.sandbox.url.endsWith(':8787')) {
			console.log(`Port 8787 was taken, so credential.png shows the sandbox at ${editor.sandbox.url}: free it and run again.`);
		}
	} finally {
		clearTimeout(deadline);
		await cleanUp();
	}
}

if (require.main === module) {
	main().catch((error) => {
		console.error(`npm run screenshots failed: ${error.message}`);
		process.exitCode = 1;
	});
}
