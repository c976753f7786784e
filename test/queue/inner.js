#!/usr/bin/env node
'use strict';
// n8n 2.41.1 in queue mode, inside the loopback-only network namespace run.js made: Redis,
// a throwaway PostgreSQL cluster, the sandbox, then main + 2 workers + 2 webhook processes, each
// with the packed package in its own user folder; the checks of actions.js and trigger.js; then
// every process stopped by its pid and the leftovers (secrets, processes) checked.
// Last line: "QUEUE_RESULT {json}".
//   node test/queue/inner.js --manifest <workDir>/manifest.json
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { Checks, StepFailed } = require('../e2e/lib/checks');
const { installed } = require('../e2e/lib/lines');
const { interfaces, otherPidsInMyNetns } = require('../e2e/lib/netns');
const { descendants, waitFor } = require('../e2e/lib/proc');
const { startSandbox } = require('../e2e/lib/sandbox');
const { CREDENTIAL_TYPE } = require('../e2e/lib/workflows');
const { QueueN8n } = require('./lib/cluster');
const { Redis, Postgres, freePort } = require('./lib/services');
const { balanceWorkflow, exampleWorkflow, createBody } = require('./lib/workflows');
const actions = require('./actions');
const trigger = require('./trigger');

const ITEMS = 50;

function arg(name) {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? process.argv[i + 1] : undefined;
}

/** `count` distinct free loopback ports. */
async function ports(count) {
	const got = new Set();
	while (got.size < count) got.add(await freePort());
	return [...got];
}

/**
 * Samples once a second the memory of every process in our namespace (ourselves included) as
 * PSS (shared pages split between their users, so PostgreSQL's shared buffers count once), and
 * keeps the peak with a breakdown per n8n process (its task runner included), PostgreSQL, Redis.
 */
function memorySampler(getGroups) {
	let peak = 0;
	let peakAt = '';
	let peakParts = '';
	const pss = (pid) => {
		try {
			return Number(/^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0) * 1024;
		} catch {
			return 0;
		}
	};
	let phase = 'setup';
	const sample = () => {
		const pids = [process.pid, ...otherPidsInMyNetns()];
		const byPid = new Map(pids.map((pid) => [pid, pss(pid)]));
		const total = [...byPid.values()].reduce((a, b) => a + b, 0);
		if (total <= peak) return;
		peak = total;
		peakAt = phase;
		const parts = [];
		let counted = 0;
		for (const [label, root] of getGroups()) {
			const group = [root, ...descendants(root)].filter((pid) => byPid.has(pid));
			const sum = group.reduce((a, pid) => a + byPid.get(pid), 0);
			counted += sum;
			parts.push(`${label} ${mb(sum)}`);
		}
		parts.push(`test runner and sandbox ${mb(total - counted)}`);
		peakParts = parts.join(', ');
	};
	const timer = setInterval(sample, 1_000);
	timer.unref();
	return {
		phase: (name) => (phase = name),
		stop: () => clearInterval(timer),
		report: () => `${mb(peak)} (during ${peakAt}: ${peakParts})`,
	};
}

const mb = (bytes) => `${Math.round(bytes / 1024 ** 2)} MB`;

async function main() {
	const started = Date.now();
	const manifest = JSON.parse(fs.readFileSync(arg('manifest'), 'utf8'));
	const line = installed(2);
	const t = new Checks(`[queue]`);
	const workDir = manifest.workDir;
	const n8ns = [];
	let redis;
	let pg;
	let sandbox;
	let secrets = [];
	const memory = memorySampler(() => [
		...n8ns.filter((n) => n.server?.isAlive()).map((n) => [n.name, n.server.pid]),
		...(pg?.process?.isAlive() ? [['PostgreSQL', pg.process.pid]] : []),
		...(redis?.process?.isAlive() ? [['Redis', redis.process.pid]] : []),
	]);

	// Never leave anything running: signalled, or our reader gone, everything is killed by pid.
	// Only processes still running: an exited one's pid may belong to someone else by now.
	const killAll = () => {
		for (const p of [...n8ns.map((n) => n.server), pg?.process, redis?.process]) if (p?.isAlive()) p.killNow();
	};
	process.stdout.on('error', () => {
		console.log = () => undefined;
	});
	process.on('exit', killAll);
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
		process.on(signal, () => {
			killAll();
			process.exit(130);
		});
	}

	try {
		if (manifest.netns) await t.step('runs in a loopback-only network namespace', () => assert.deepEqual(interfaces(), ['lo']));
		await t.step('n8n 2.41.1 (Node 24) is installed', () => assert.ok(line, 'run test/e2e/install-n8n.sh 2'));

		// PostgreSQL runs as the postgres user: it must be able to reach its folder inside ours.
		fs.chmodSync(workDir, 0o711);
		const [redisPort, pgPort, ...free] = await ports(2 + 5 * 3);
		const shared = { redisPort, pgPort, database: 'n8n' };
		const take = () => free.shift();
		const folder = (name) => {
			fs.mkdirSync(path.join(workDir, name), { recursive: true });
			return path.join(workDir, name);
		};
		const make = (role, name, webhookUrl) => {
			const [port, brokerPort, healthPort] = [take(), take(), take()];
			return new QueueN8n({ role, name, line, userFolder: folder(name), port, brokerPort, healthPort, shared, webhookUrl });
		};
		const webhook1 = make('webhook', 'webhook-1', '');
		webhook1.webhookUrl = `${webhook1.url}/`;
		// Another WEBHOOK_URL (host and port): what this process computes differs from what main registered.
		const webhook2 = make('webhook', 'webhook-2', '');
		webhook2.webhookUrl = `http://localhost:${webhook2.port}/`;
		const mainN8n = make('main', 'main', webhook1.webhookUrl);
		const workers = [make('worker', 'worker-1', webhook1.webhookUrl), make('worker', 'worker-2', webhook1.webhookUrl)];
		n8ns.push(mainN8n, ...workers, webhook1, webhook2);
		console.log(`     [queue] ${workDir}: Redis :${redisPort}, PostgreSQL :${pgPort}, ${n8ns.map((n) => `${n.name} :${n.role === 'worker' ? n.healthPort : n.port}`).join(', ')}`);

		redis = new Redis({ bin: manifest.redisServer, dir: path.join(workDir, 'redis'), port: redisPort });
		pg = new Postgres({ bin: manifest.pgBin, dir: path.join(workDir, 'pg'), port: pgPort, database: shared.database });
		const before = t.failed;
		await Promise.all([
			t.check(`redis-server on 127.0.0.1:${redisPort} answers PING`, () => redis.start()),
			t.check(`PostgreSQL (initdb in a temp folder, as postgres) on 127.0.0.1:${pgPort}, database ${shared.database}`, () => pg.start()),
			t.check('start the PortalDuct sandbox', async () => {
				sandbox = await startSandbox(manifest.sandboxModule, { connectionDecisionDelayMs: 200 });
			}),
			t.check(`npm install --offline <tarball> into each of the ${n8ns.length} user folders`, () =>
				Promise.all(
					n8ns.map(async (n) => {
						const nodesDir = await n.installPackage(manifest.tarball);
						const pkg = JSON.parse(fs.readFileSync(path.join(nodesDir, 'node_modules', manifest.packageName, 'package.json'), 'utf8'));
						assert.equal(pkg.version, manifest.version, n.name);
					}),
				),
			),
		]);
		if (t.failed > before) throw new StepFailed('setup');

		memory.phase('boot');
		// Main first: it runs the database migrations (the others would wait for n8n's PostgreSQL
		// advisory lock holding their memory meanwhile); then workers and webhook processes, while
		// main is being set up over REST. Started together, five booting processes peaked ~2.6 GB.
		const bootStart = Date.now();
		const since = () => `${Math.round((Date.now() - bootStart) / 1000)} s`;
		await t.step('main (n8n start) migrates the database and is ready in queue mode', async () => {
			mainN8n.start();
			await mainN8n.waitReady();
			console.log(`     [queue] main ready after ${since()}`);
		});
		const others = n8ns.filter((n) => n !== mainN8n);
		for (const n of others) n.start();
		const othersReady = Promise.all(
			others.map(async (n) => {
				await n.waitReady();
				return `${n.name} ${since()}`;
			}),
		);
		othersReady.catch(() => undefined); // awaited (and reported) below
		await t.step('POST /rest/owner/setup on main gives a session', () => mainN8n.setupOwner());

		const credential = await t.step('create the PortalDuct credential over REST (plain data, encrypted by n8n)', async () => {
			const { data } = await mainN8n.rest('POST', '/rest/credentials', {
				name: 'PortalDuct queue',
				type: CREDENTIAL_TYPE,
				data: { baseUrl: sandbox.url, ...sandbox.login },
			});
			assert.ok(data?.id, JSON.stringify(data));
			return { id: data.id, name: data.name };
		});

		const workflows = {
			balance: balanceWorkflow({ count: ITEMS, credential }),
			alerts: exampleWorkflow(manifest.repo, 'status-alerts.json', 'alerts', credential),
			exactlyOnce: exampleWorkflow(manifest.repo, 'status-events-exactly-once.json', 'exactlyonce', credential),
		};
		if (workflows.alerts) workflows.alerts.source = 'examples/status-alerts.json';
		if (workflows.exactlyOnce) workflows.exactlyOnce.source = 'examples/status-events-exactly-once.json';
		await t.step(`create ${Object.values(workflows).filter(Boolean).length} workflows over REST`, async () => {
			for (const wf of Object.values(workflows).filter(Boolean)) {
				const { data } = await mainN8n.rest('POST', '/rest/workflows', createBody(wf));
				assert.equal(data?.id, wf.id);
			}
		});

		await t.step('2 workers (n8n worker --concurrency=5) and 2 webhook processes (n8n webhook) are ready', async () => {
			console.log(`     [queue] ready: ${(await othersReady).join(', ')}`);
		});

		const ctx = { main: mainN8n, workers, webhooks: [webhook1, webhook2], sandbox, workflows, repo: manifest.repo };
		memory.phase('action runs');
		await t.guard('action runs', () => actions.run(ctx, t));
		memory.phase('trigger');
		await t.guard('trigger', () => trigger.run(ctx, t));
	} catch (error) {
		if (!(error instanceof StepFailed)) {
			t.failed++;
			t.failures.push(`${t.prefix} unexpected error`);
			console.log(`FAIL ${t.prefix} unexpected: ${error?.stack ?? error}`);
		}
	} finally {
		memory.phase('shutdown');
		// Everything the sandbox ever issued, read before anything stops.
		if (sandbox) {
			try {
				const s = await sandbox.client.call('GET', '/_sandbox/secrets');
				secrets = [s.password, ...s.tokens].filter(Boolean);
			} catch (error) {
				console.log(`     [queue] could not read the sandbox's secrets: ${error.message}`);
			}
		}
		await t.check(`the n8n processes stop on SIGTERM (${n8ns.filter((n) => n.server).map((n) => `${n.name} pid ${n.server.pid}`).join(', ') || 'none started'})`, async () => {
			const exits = await Promise.all(n8ns.filter((n) => n.server).map(async (n) => [n.name, await n.stop()]));
			const forced = exits.filter(([, exit]) => exit.forced).map(([name]) => name);
			assert.deepEqual(forced, [], 'needed SIGKILL');
		});
		if (pg?.process?.isAlive()) {
			await t.check('6. no password or sandbox token in PostgreSQL (execution data and every other table)', async () => {
				const executions = Number(await pg.psqlOk('SELECT count(*) FROM execution_data'));
				const dump = await pg.dumpData();
				assert.ok(executions > 0, 'no execution data stored');
				assert.ok(secrets.length > 1, 'the sandbox issued no tokens');
				assert.deepEqual(leaks(dump, secrets), [], 'found in pg_dump --data-only');
				console.log(`     [queue] scanned ${executions} executions' data and ${Math.round(dump.length / 1024)} KB of table rows for ${secrets.length} secrets`);
			});
		}
		const logs = [...n8ns.map((n) => n.logFile), redis?.logFile, pg?.logFile].filter((f) => f && fs.existsSync(f));
		if (logs.length) {
			await t.check(`6. no password or sandbox token in any process log (${logs.length} logs)`, () => {
				for (const file of logs) assert.deepEqual(leaks(fs.readFileSync(file, 'utf8'), secrets), [], path.relative(workDir, file));
			});
		}
		await t.check('PostgreSQL and Redis stop by pid', async () => {
			const exits = [await pg?.stop(), await redis?.stop()].filter(Boolean);
			assert.deepEqual(exits.filter((e) => e.forced), [], 'needed SIGKILL');
		});
		await sandbox?.close();
		memory.stop();
		if (manifest.netns) {
			await t.check('6. nothing left running in the namespace', async () => {
				const left = await waitFor(() => (otherPidsInMyNetns().length === 0 ? true : undefined), { timeoutMs: 15_000, intervalMs: 500 });
				if (left) return;
				const names = otherPidsInMyNetns().map((pid) => {
					let cmd = '';
					try {
						cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').slice(0, 120);
					} catch {
						// gone meanwhile
					}
					try {
						process.kill(pid, 'SIGKILL');
					} catch {
						// gone meanwhile
					}
					return `${pid} ${cmd}`;
				});
				assert.fail(`still running (now killed): ${names.join('; ')}`);
			});
		}
		console.log(`     [queue] peak memory (PSS) of all processes in the namespace: ${memory.report()}; ${Math.round((Date.now() - started) / 1000)} s in the namespace`);
	}
	console.log(`QUEUE_RESULT ${JSON.stringify(t.totals())}`);
}

/** The secrets that occur in text, shortened so the report itself leaks nothing. */
function leaks(text, secrets) {
	return secrets.filter((s) => text.includes(s)).map((s) => `${s.slice(0, 6)}…`);
}

main().then(
	() => process.exit(0), // the in-process sandbox's timers must not keep us alive
	(error) => {
		console.error(error);
		process.exit(2);
	},
);
