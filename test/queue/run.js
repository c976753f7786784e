#!/usr/bin/env node
'use strict';
// `npm run test:queue`: the package in n8n 2.41.1's queue mode (main + 2 workers + 2 webhook
// processes, Redis, PostgreSQL), against the sandbox. Outside the network namespace: Redis and
// PostgreSQL installed with apt-get when missing, n8n 2.41.1 on Node 24 installed into the e2e's
// cache when missing, the package packed. Then inner.js runs everything else inside a
// loopback-only network namespace. Prints "N passed, N failed" last; exit 1 on any failure.
//
//   node test/queue/run.js [--build] [--keep] [--no-netns] [--no-install] [--repo DIR]
//
// --build      always build a private copy (default: pack the repo's dist/ and test-build/ when they
//              are newer than every source file they are built from, else build a private copy)
// --keep       keep the temp folder (user folders with each process's log); kept anyway on failure
// --no-netns   run without a network namespace (when not root); everything still binds 127.0.0.1
// --no-install fail instead of installing a missing n8n 2.41.1 or Redis/PostgreSQL
// --repo DIR   the checkout to pack and whose examples/ to use (default: this one)
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { Checks } = require('../e2e/lib/checks');
const { installed } = require('../e2e/lib/lines');
const { wrapInNetns } = require('../e2e/lib/netns');
const { runInner } = require('../e2e/lib/inner-run');
const { buildAndPack, TEST_BUILD } = require('../e2e/lib/pack');
const { ensureServers, findServers } = require('./lib/system');

const REPO = path.resolve(process.argv.includes('--repo') ? process.argv[process.argv.indexOf('--repo') + 1] : path.join(__dirname, '..', '..'));
const INNER_TIMEOUT_MS = 25 * 60_000;
const flag = (name) => process.argv.includes(`--${name}`);

/**
 * Whether dist/ and test-build/ hold a build of the current sources: every .ts of nodes/ and
 * credentials/ has its .js in dist/, every .ts of test/tools/sandbox/ (tests aside) its .js in
 * test-build/, written after it. Returns the reason if not.
 */
function staleDist(repo) {
	const walk = (dir) =>
		fs.existsSync(dir)
			? fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]))
			: [];
	// Each source folder and the folder its build goes to.
	const trees = [
		['nodes', path.join('dist', 'nodes')],
		['credentials', path.join('dist', 'credentials')],
		[path.join('test', 'tools', 'sandbox'), path.join(TEST_BUILD, 'tools', 'sandbox')],
	];
	for (const [from, to] of trees) {
		const sources = walk(path.join(repo, from)).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'));
		for (const source of sources) {
			const built = path.join(repo, to, path.relative(path.join(repo, from), source).replace(/\.ts$/, '.js'));
			if (!fs.existsSync(built)) return `${path.relative(repo, built)} is missing`;
			if (fs.statSync(built).mtimeMs < fs.statSync(source).mtimeMs) return `${path.relative(repo, source)} changed after the last build`;
		}
	}
	return null;
}

function runQueueInner(manifestFile, netns) {
	const inner = [process.execPath, [path.join(__dirname, 'inner.js'), '--manifest', manifestFile]];
	const [cmd, args] = netns ? wrapInNetns(...inner) : inner;
	return runInner({
		cmd,
		args,
		marker: 'QUEUE_RESULT',
		timeoutMs: INNER_TIMEOUT_MS,
		onTimeout: (pid) => console.log(`FAIL [queue] timed out after ${INNER_TIMEOUT_MS / 60_000} min, stopping pid ${pid}`),
		fallback: (code) => ({ passed: 0, failed: 1, skipped: 0, failures: [`[queue] ended (exit ${code}) without a result`] }),
	});
}

async function main() {
	const started = Date.now();
	const netns = !flag('no-netns');
	const outer = new Checks('[setup]');
	const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portalduct-queue-'));
	console.log(`     [setup] work folder ${workDir}`);
	let result = { passed: 0, failed: 0, skipped: 0, failures: [] };

	// Outside the namespace: the steps that may need the network (apt, npm registry).
	const servers = await outer.check('redis-server and PostgreSQL are installed (apt-get install when missing)', () => {
		if (flag('no-install')) {
			const found = findServers();
			if (!found.redisServer || !found.pgBin) throw new Error(`missing: ${JSON.stringify(found)}`);
			return found;
		}
		const r = ensureServers();
		console.log(`     [setup] redis-server ${r.redisServer}, PostgreSQL ${r.pgBin}${r.installed.length ? ` (installed ${r.installed.join(', ')})` : ''}`);
		return r;
	});
	if (!installed(2)) {
		await outer.check('install n8n 2.41.1 on Node 24 (cached for next time)', () => {
			if (flag('no-install')) throw new Error('not installed; run test/e2e/install-n8n.sh 2');
			const r = spawnSync('bash', [path.join(__dirname, '..', 'e2e', 'install-n8n.sh'), '2'], {
				stdio: ['ignore', 'inherit', 'inherit'],
				timeout: 60 * 60_000,
			});
			if (r.status !== 0 || !installed(2)) throw new Error(`install-n8n.sh 2 exited ${r.status ?? r.signal}`);
		});
	}
	const stale = flag('build') ? '--build' : staleDist(REPO);
	const pkg = await outer.check(stale ? `build and pack a private copy (${stale})` : 'pack the repo\'s dist/ and test-build/ (newer than their sources)', () =>
		buildAndPack({ repo: REPO, workDir, useDist: !stale }),
	);

	if (servers && pkg && installed(2)) {
		if (!pkg.sandboxModule) {
			await outer.check('the build has the sandbox (test/tools/sandbox)', () => {
				throw new Error(`no ${TEST_BUILD}/tools/sandbox/index.js in the build (npm run build:test)`);
			});
		} else {
			console.log(`     [setup] ${path.basename(pkg.tarball)}; n8n 2.41.1 ready in ${Math.round((Date.now() - started) / 1000)} s`);
			const manifestFile = path.join(workDir, 'manifest.json');
			fs.writeFileSync(manifestFile, JSON.stringify({ ...pkg, repo: REPO, workDir, netns, redisServer: servers.redisServer, pgBin: servers.pgBin }, null, 2));
			result = await runQueueInner(manifestFile, netns);
		}
	}

	const o = outer.totals();
	const passed = o.passed + result.passed;
	const failed = o.failed + result.failed;
	const failures = [...o.failures, ...result.failures];
	if (failures.length) console.log(`\nFailed:\n${failures.map((f) => `  ${f}`).join('\n')}`);
	if (flag('keep') || failed) console.log(`Kept ${workDir} (each process's log in its user folder, postgres/, redis/)`);
	else fs.rmSync(workDir, { recursive: true, force: true });
	console.log(`queue mode: ${Math.round((Date.now() - started) / 1000)} s in all`);
	console.log(`${passed} passed, ${failed} failed`);
	process.exitCode = failed ? 1 : 0;
}

main().catch((error) => {
	console.error(error);
	console.log('0 passed, 1 failed');
	process.exitCode = 1;
});
