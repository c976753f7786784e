#!/usr/bin/env node
'use strict';
// Runs every scenario against ONE real n8n line. run.js starts it inside a loopback-only network
// namespace; its last line is "E2E_RESULT {json}" with the totals.
//   node test/e2e/line.js --manifest <workDir>/manifest.json --line 1|2 [--only a,b]
// --only runs just the named scenarios (in SCENARIOS order); a name not in SCENARIOS fails the line.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { Checks, StepFailed } = require('./lib/checks');
const { installed } = require('./lib/lines');
const { interfaces, otherPidsInMyNetns } = require('./lib/netns');
const { waitFor } = require('./lib/proc');
const { freePort } = require('./lib/inner-run');
const { N8nInstance } = require('./lib/n8n');
const { startSandbox } = require('./lib/sandbox');
const { prepare, workflowId, CREDENTIAL_TYPE } = require('./lib/workflows');

// Order matters: onboarding counts logins from a fresh sandbox, may register a webhook (which the
// HTTP Request example reads; status-trigger removes it first, as the trigger refuses to replace
// a registration that is not its own) and hands its client to the trigger,
// whose portal connections invoice-sync then reads. Phases: cli (before `n8n start`), server, after.
// Each of examples/onboarding, http-request-credential, status-alerts and invoice-sync.json is run
// by the scenario of that name; `examples` checks every example's node types on this line, and
// `example-parameters` every node's parameters against its installed type (only credentials may lack).
// trigger-test-listen and trigger-foreign each start and end with the account unregistered.
// ai-agent (after everyone else that reads the sandbox, with the sandbox as they left it) runs
// examples/ai-agent-balance.json against a scripted OpenAI-compatible server of its own.
// The Data Table chains (invoice-sync-daily, invoice-data-table, crm-data-table, status-data-table)
// create their tables over REST and need n8n 2.x; status-data-table starts and ends unregistered.
// trigger-restart is last: its server phase restarts n8n (and leaves it running).
const SCENARIOS = ['pipeline', 'onboarding', 'http-request-credential', 'credential-per-item', 'status-trigger', 'trigger-load', 'trigger-test-listen', 'trigger-foreign', 'trigger-dialects', 'invoice-sync', 'invoice-sync-daily', 'invoice-data-table', 'crm-data-table', 'status-data-table', 'credential-test', 'node-types', 'output-schemas', 'examples', 'example-parameters', 'no-secrets', 'ai-agent', 'trigger-restart'];

/** The base URL `npm run sandbox` listens on by default: examples name it where a URL is editable. */
const SANDBOX_DEFAULT_URL = 'http://127.0.0.1:8787';

/** A copy whose string values name this line's sandbox instead of the default one. */
function pointAtSandbox(value, url) {
	if (!url) return value;
	if (typeof value === 'string') return value.split(SANDBOX_DEFAULT_URL).join(url);
	if (Array.isArray(value)) return value.map((v) => pointAtSandbox(v, url));
	if (value && typeof value === 'object') {
		return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, pointAtSandbox(v, url)]));
	}
	return value;
}

function arg(name) {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? process.argv[i + 1] : undefined;
}


/** Stops `n8n start` by its pid, if it runs; a graceful SIGTERM exit is itself a check. */
async function stopN8n(t, n8n) {
	if (!n8n?.server) return;
	const pid = n8n.server.pid;
	await t.check(`n8n (pid ${pid}) stops on SIGTERM`, async () => {
		const exit = await n8n.stop();
		assert.equal(exit.forced, false, 'needed SIGKILL');
	});
}

/**
 * Never leave n8n running: if we are signalled, or our reader (run.js, a pager, `| head`) goes
 * away, n8n and its task runner are killed by pid. A broken stdout must not stop the cleanup.
 */
function guardAgainstOrphans(getN8n) {
	process.stdout.on('error', () => {
		console.log = () => undefined;
	});
	const killN8n = () => getN8n()?.server?.killNow();
	process.on('exit', killN8n);
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
		process.on(signal, () => {
			killN8n();
			process.exit(130);
		});
	}
}

/**
 * n8n 2.x's task runner can outlive n8n by a few seconds (it is restarted during shutdown, so
 * not among the children we saw). Everything else in our private namespace is ours: wait a
 * little, then kill what is left, by pid.
 */
async function reapNamespace() {
	const left = await waitFor(async () => {
		const pids = otherPidsInMyNetns();
		return pids.length === 0 ? [] : undefined;
	}, { timeoutMs: 10_000, intervalMs: 500 });
	if (left) return;
	for (const pid of otherPidsInMyNetns()) {
		const cmd = fs.existsSync(`/proc/${pid}/cmdline`) ? fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ') : '';
		console.log(`     killing leftover pid ${pid}: ${cmd.slice(0, 160)}`);
		try {
			process.kill(pid, 'SIGKILL');
		} catch {
			// exited meanwhile
		}
	}
}

async function main() {
	const manifest = JSON.parse(fs.readFileSync(arg('manifest'), 'utf8'));
	const lineNo = Number(arg('line'));
	const line = installed(lineNo);
	const t = new Checks(`[n8n ${line?.version ?? `line ${lineNo}`}]`);
	let n8n;
	let sandbox;
	guardAgainstOrphans(() => n8n);
	try {
		if (manifest.netns) {
			await t.step('runs in a loopback-only network namespace', () => assert.deepEqual(interfaces(), ['lo']));
		}
		const only = arg('only')?.split(',').map((s) => s.trim()).filter(Boolean);
		if (only) {
			await t.step(`--only ${only.join(',')}: every name is a scenario`, () =>
				assert.deepEqual(only.filter((name) => !SCENARIOS.includes(name)), [], `known: ${SCENARIOS.join(', ')}`),
			);
		}
		await t.step('n8n line is installed', () => assert.ok(line, `run test/e2e/install-n8n.sh ${lineNo}`));

		const userFolder = fs.mkdtempSync(path.join(manifest.workDir, `n8n-${line.version}-`));
		n8n = new N8nInstance({ line, userFolder, port: await freePort(), brokerPort: await freePort() });
		console.log(`     ${t.prefix} user folder ${userFolder}, ${n8n.url}, node ${line.node}`);

		await t.step('npm install --offline --omit=peer <tarball> into .n8n/nodes', async () => {
			const nodesDir = await n8n.installPackage(manifest.tarball);
			const installedPkg = JSON.parse(
				fs.readFileSync(path.join(nodesDir, 'node_modules', manifest.packageName, 'package.json'), 'utf8'),
			);
			assert.equal(installedPkg.version, manifest.version);
		});

		if (manifest.sandboxModule) {
			sandbox = await t.step('start the PortalDuct sandbox', () =>
				// Short decision delay: the trigger scenario waits for pending -> success/failure.
				startSandbox(manifest.sandboxModule, { connectionDecisionDelayMs: 200 }),
			);
		}

		const credential = manifest.credentials.some((c) => c.name === CREDENTIAL_TYPE)
			? { id: 'pde2eCredential1', name: 'PortalDuct e2e' }
			: null;
		const ctx = {
			line,
			n8n,
			pkg: manifest,
			repo: manifest.repo,
			sandbox,
			credential,
			ids: {},
			sources: {},
			workflows: {},
			shared: {},
		};

		const active = [];
		for (const scenario of SCENARIOS.filter((name) => !only || only.includes(name)).map((name) => require(`./scenarios/${name}`))) {
			const reason = scenario.requires(ctx);
			if (reason) t.skip(scenario.name, reason);
			else active.push(scenario);
		}

		// Credentials of other types a scenario brings (`credentials(ctx)`, may be async), imported
		// with ours; every workflow node naming a credential of such a type is bound to it.
		const others = [];
		for (const scenario of active.filter((s) => s.credentials)) {
			const brought = await t.check(`${scenario.name}: its credentials`, () => scenario.credentials(ctx));
			others.push(...(brought ?? []));
		}

		// One import for all workflows (each CLI command is a 5-9 s boot); a source used by two
		// scenarios is imported once and shared.
		const bySource = new Map();
		for (const scenario of active) {
			for (const { role, source, json } of scenario.workflows(ctx)) {
				if (!bySource.has(source)) {
					const id = workflowId(role);
					const clash = [...bySource].find(([, entry]) => entry.id === id);
					if (clash) throw new Error(`workflow id ${id} of ${source} (role ${role}) is already ${clash[0]}'s: one import would overwrite the other`);
					const pointed = pointAtSandbox(json, sandbox?.url);
					bySource.set(source, { id, json: prepare(pointed, { id, credential, sandboxUrl: sandbox?.url, others }) });
				}
				const { id, json: prepared } = bySource.get(source);
				Object.assign(ctx.ids, { [role]: id });
				Object.assign(ctx.sources, { [role]: source });
				Object.assign(ctx.workflows, { [role]: prepared });
			}
		}
		if (credential || others.length) {
			await t.step('n8n import:credentials (plain data, encrypted by n8n)', () =>
				n8n.importCredentials([
					...(credential
						? [
								{
									...credential,
									type: CREDENTIAL_TYPE,
									data: { baseUrl: sandbox?.url ?? 'http://127.0.0.1:9', ...(sandbox?.login ?? {}) },
								},
							]
						: []),
					...others,
				]),
			);
		}
		await t.step(`n8n import:workflow (${bySource.size} workflows)`, () =>
			n8n.importWorkflows([...bySource.values()].map((w) => w.json)),
		);

		for (const scenario of active.filter((s) => s.cli)) {
			await t.guard(`${scenario.name} (CLI phase)`, () => scenario.cli(ctx, t));
		}

		await t.step('n8n start: /healthz/readiness answers 200', async () => {
			n8n.start();
			await n8n.waitReady();
		});
		await t.step('POST /rest/owner/setup gives a session', () => n8n.setupOwner());

		for (const scenario of active.filter((s) => s.server)) {
			await t.guard(`${scenario.name} (server phase)`, () => scenario.server(ctx, t));
		}

		await stopN8n(t, n8n);
		// CLI executions again, now that the server phase has shaped the sandbox's data.
		for (const scenario of active.filter((s) => s.after)) {
			await t.guard(`${scenario.name} (after phase)`, () => scenario.after(ctx, t));
		}
	} catch (error) {
		if (!(error instanceof StepFailed)) {
			t.failed++;
			console.log(`FAIL ${t.prefix} unexpected: ${error?.stack ?? error}`);
		}
	} finally {
		await stopN8n(t, n8n);
		await sandbox?.close();
		if (manifest.netns) await reapNamespace();
	}
	console.log(`E2E_RESULT ${JSON.stringify(t.totals())}`);
}

main().then(
	() => process.exit(0), // timers of the in-process sandbox must not keep us alive
	(error) => {
		console.error(error);
		process.exit(2);
	},
);
